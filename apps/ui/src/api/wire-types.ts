/*
 * The query API's JSON answers are declared once, in @faultline/model (api-wire.ts), for the collector
 * and the UI alike; this file names them for the UI's many imports.
 */
export type {
  WireFailureGroup,
  WireFailures,
  WireImportResult,
  WireMapEdge,
  WireMapNode,
  WireServiceMap,
  WireServices,
  WireTracePage,
  WireTraceSummary,
} from '@faultline/model';
