import type { Context, Span } from '@opentelemetry/api';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { RPCMetadata } from '@opentelemetry/core';
import { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import { describeError, warnOnce } from './faultline-log.js';

/**
 * The keys the API and core store a context's span and RPC metadata under. Both are `Symbol.for` of a
 * fixed description (api `createContextKey`), the same for every copy of either package; whether they
 * still are is checked once (`requestContextWorks`) before any request uses them.
 */
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
const RPC_METADATA_KEY = Symbol.for('OpenTelemetry SDK Context Key RPC_METADATA');

/**
 * The context a request runs in: its parent (what the caller's headers said) with the server span and
 * the RPC metadata, in one object. The API's way (`trace.setSpan`, then `setRPCMetadata`) copies the
 * parent's Map of values twice per request; here nothing is copied until something derives a context
 * from this one (a child span's context), which most requests never do.
 */
class RequestContext implements Context {
  private derivable: Context | undefined;

  constructor(
    private readonly parent: Context,
    private readonly span: Span,
    private readonly rpc: RPCMetadata,
  ) {}

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.span;
    if (key === RPC_METADATA_KEY) return this.rpc;
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.asApiContext().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.asApiContext().deleteValue(key);
  }

  /** The same values in the API's own context, made once, for contexts derived from this one. */
  private asApiContext(): Context {
    this.derivable ??= setRPCMetadata(trace.setSpan(this.parent, this.span), this.rpc);
    return this.derivable;
  }
}

let works: boolean | undefined;

/**
 * Whether RequestContext answers the API's and core's own getters (checked once): false when a future
 * version stores the span or the RPC metadata under other keys, and the API's contexts are used instead.
 */
function requestContextWorks(): boolean {
  if (works !== undefined) return works;
  try {
    const span = trace.wrapSpanContext({ traceId: '1'.repeat(32), spanId: '1'.repeat(16), traceFlags: 1 });
    const rpc: RPCMetadata = { type: RPCType.HTTP, span };
    const probe = new RequestContext(ROOT_CONTEXT, span, rpc);
    works = trace.getSpan(probe) === span && getRPCMetadata(probe) === rpc;
  } catch (error) {
    works = false;
    warnOnce('request-context', `request contexts fall back to the API's: ${describeError(error)}`);
  }
  return works;
}

/** `parent` with the request's server span and its RPC metadata. */
export function requestContext(parent: Context, span: Span, rpc: RPCMetadata): Context {
  return requestContextWorks()
    ? new RequestContext(parent, span, rpc)
    : setRPCMetadata(trace.setSpan(parent, span), rpc);
}
