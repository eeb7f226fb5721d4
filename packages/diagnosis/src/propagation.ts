import { httpStatusCodeOf } from '@faultline/model';
import { exceptionOf } from './exception-event.js';
import type { TraceNode } from './trace-tree.js';
import type { PropagationStep } from './types.js';

/** The failure's current form as it travels up the path: the HTTP status and the messages it carried. */
interface FailureForm {
  status?: number;
  messages: Set<string>;
  /** The latest form in words: "HTTP 503", "Error: orders answered 500". */
  label?: string;
}

/**
 * Describes each span above the origin on the path (entry first) and marks the ones that changed the
 * failure on its way up. Two changes count: an HTTP status replaced by another (orders answers 503, the
 * gateway answers 500), and a failure re-thrown as a new exception (the gateway's handler receives a 500
 * and throws `Error('orders failed')`). The same error recorded again by a framework layer is not a change.
 */
export function propagationSteps(path: readonly TraceNode[]): PropagationStep[] {
  const origin = path[path.length - 1];
  if (!origin || path.length < 2) return [];
  const form: FailureForm = { messages: new Set() };
  absorb(form, origin);

  const steps: PropagationStep[] = [];
  for (let i = path.length - 2; i >= 0; i--) {
    const node = path[i]!;
    const status = httpStatusCodeOf(node.span.attributes);
    const exception = exceptionOf(node.span);
    const changes: string[] = [];
    if (exception?.message && !form.messages.has(exception.message) && form.label !== undefined) {
      changes.push(`${form.label} -> ${labelOf(exception.name ?? exception.type, exception.message)}`);
      // The new exception is the failure's form from here on; a status above it is its first HTTP form.
      form.status = undefined;
    }
    if (status !== undefined && form.status !== undefined && status !== form.status) {
      changes.push(`HTTP ${form.status} -> HTTP ${status}`);
    }
    absorb(form, node);
    steps.push({
      spanId: node.span.spanId,
      service: node.span.service,
      name: node.span.name,
      ...(status !== undefined ? { httpStatusCode: status } : {}),
      transformed: changes.length > 0,
      ...(changes.length > 0 ? { change: changes.join('; ') } : {}),
    });
  }
  return steps.reverse();
}

function absorb(form: FailureForm, node: TraceNode): void {
  const status = httpStatusCodeOf(node.span.attributes);
  if (status !== undefined) {
    form.status = status;
    form.label = `HTTP ${status}`;
  }
  const exception = exceptionOf(node.span);
  const statusMessage = node.span.status.message || undefined;
  if (exception?.message) form.messages.add(exception.message);
  if (statusMessage) form.messages.add(statusMessage);
  // instrumentation-pg records a sanitised exception message and the driver's own one as the status
  // message; the latter is the one a person recognises.
  const message = statusMessage ?? exception?.message;
  if (message) form.label = labelOf(exception?.name ?? exception?.type, message);
}

function labelOf(name: string | undefined, message: string): string {
  return name ? `${name}: ${message}` : message;
}
