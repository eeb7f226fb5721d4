/** This package's version, reported as the instrumentation scope version of Faultline's own spans. */
export const PACKAGE_VERSION = '0.1.0';
/** This package's name, the prefix of Faultline's instrumentation scope names. */
export const PACKAGE_NAME = '@faultline/instrument';
