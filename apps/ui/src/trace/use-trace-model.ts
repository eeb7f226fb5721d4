import { buildOutlineTree, type TraceTree } from '@faultline/diagnosis';
import type { SpanOutline } from '@faultline/model';
import { useMemo } from 'preact/hooks';
import type { TraceOutline } from '../api/trace-outline-api.js';
import { type FailureMarks, failureMarks } from './span-roles.js';
import { buildWaterfall, type WaterfallModel } from './waterfall-model.js';

/** What every part of the trace page draws from, derived once per outline. */
export interface TraceModel {
  tree: TraceTree<SpanOutline>;
  model: WaterfallModel;
  /** Whether each span failed, by waterfall index. */
  errors: boolean[];
  errorCount: number;
  marks: FailureMarks;
  services: string[];
}

/** Builds the trace's tree, waterfall, failing spans and failure marks from its outline. */
export function useTraceModel(outline: TraceOutline): TraceModel {
  const tree = useMemo(() => buildOutlineTree(outline.spans), [outline]);
  const model = useMemo(() => {
    const built = buildWaterfall(tree);
    performance.mark('faultline:waterfall-built');
    return built;
  }, [tree]);
  const errors = useMemo(() => model.nodes.map((n) => n.span.failed), [model]);
  const errorCount = useMemo(() => errors.filter(Boolean).length, [errors]);
  const marks = useMemo(() => failureMarks(outline.diagnosis), [outline]);
  const services = useMemo(() => [...new Set(model.nodes.map((n) => n.span.service))], [model]);
  return { tree, model, errors, errorCount, marks, services };
}
