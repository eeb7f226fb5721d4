export { CAUSE_LABELS, CAUSES } from './cause-labels.js';
export type { OverRepresentedValue } from './compare-attributes.js';
export { overRepresentedValues } from './compare-attributes.js';
export type { AttributeChange, SlowerSpan, SpanPresence, TraceDiff } from './compare-traces.js';
export { compareTraces } from './compare-traces.js';
export { diagnoseTrace } from './diagnose-trace.js';
export type { ErrorSpanFacts } from './error-span.js';
export { isErrorSpan, isErrorSpanFacts } from './error-span.js';
export { isFailingEntry, isFailingRequest, isFailingTrace } from './failing-trace.js';
export { failureFingerprint, normaliseMessage } from './fingerprint.js';
export { withLoggedExceptions } from './logged-exceptions.js';
export { PROCESS_ATTRIBUTES } from './process-attributes.js';
export {
  heapShareOfLimit,
  processFiguresOf,
  SATURATION_THRESHOLDS,
  saturationOf,
} from './process-picture.js';
export type {
  ProcessFigures,
  ProcessPicture,
  SaturationEvidence,
  SaturationKind,
} from './saturation-types.js';
export { buildOutlineTree, spanOutline } from './span-outline.js';
export { type FrameOrigin, frameOrigin, isInAppFrame, parseStack, topInAppFrame } from './stack-frames.js';
export type { StitchFit, StitchMatch } from './stitch-match.js';
export { DEFAULT_MAX_SKEW_NS, matchStitch, stitchableCall, stitchFit } from './stitch-match.js';
export { stitchedDiagnosis } from './stitch-verdict.js';
export type { TraceNode, TraceTree, TreeSpan, TreeSpanTraits } from './trace-tree.js';
export { buildTraceTree } from './trace-tree.js';
export type {
  Cause,
  Diagnosis,
  Evidence,
  EvidenceLog,
  OtherFailure,
  PoolState,
  PropagationStep,
  StackFrame,
  StitchedContinuation,
  UpstreamState,
} from './types.js';
