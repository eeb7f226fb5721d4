import type { Span } from '@opentelemetry/api';
import { SpanStatusCode } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from '@opentelemetry/instrumentation';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

const LAYER_SPAN = Symbol.for('faultline.express.layerSpan');
const ORIGINAL = Symbol('faultline original handleRequest');

type Next = (error?: unknown) => unknown;
type HandleRequest = (this: unknown, req: object, res: unknown, next: Next) => unknown;
type LayerClass = { prototype: { handleRequest?: HandleRequest & { [ORIGINAL]?: HandleRequest } } };

/**
 * Express instrumentation `requestHook`: remembers the span of the layer now running on the request,
 * so an error that surfaces later (a rejected promise) can be pinned on the handler that produced it.
 */
export function rememberExpressLayerSpan(span: Span, info: { request: unknown }): void {
  const request = info.request;
  if (request && typeof request === 'object') (request as Record<symbol, Span>)[LAYER_SPAN] = span;
}

/**
 * Express 5 (router 2) turns a rejected promise of an `app.use()` middleware into `next(err)` by
 * itself, outside the express instrumentation's wrapper, so that middleware's span ends without the
 * error and the 500 carries no exception anywhere. This wraps `next` in router's Layer#handleRequest
 * for middleware layers and records such errors on the middleware's span. Route layers are left
 * alone: their errors reach the instrumentation through the route's `next`, which it wraps itself.
 * Errors it already saw (synchronous throws, `next(err)` from the middleware) leave the span in ERROR
 * or ended, and are skipped.
 */
export class ExpressErrorInstrumentation extends InstrumentationBase<InstrumentationConfig> {
  /**
   * `channelRoutersTraced`: routers with the tracing channel are left alone (light mode traces them
   * without instrumentation-express, so there is no layer span to record on).
   */
  constructor(channelRoutersTraced = false) {
    super(`${PACKAGE_NAME}/express-errors`, PACKAGE_VERSION, {
      channelRoutersTraced,
    } as InstrumentationConfig);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const channelRoutersTraced = (this.getConfig() as { channelRoutersTraced?: boolean })
      .channelRoutersTraced;
    const layerFile = new InstrumentationNodeModuleFile(
      'router/lib/layer.js',
      [channelRoutersTraced ? '>=2.0.0 <2.3.0' : '>=2.0.0 <3'],
      (Layer: LayerClass) => {
        patchLayer(Layer);
        return Layer;
      },
      (Layer?: LayerClass) => {
        const original = Layer?.prototype.handleRequest?.[ORIGINAL];
        if (Layer && original) Layer.prototype.handleRequest = original;
      },
    );
    return [
      new InstrumentationNodeModuleDefinition('router', ['>=2.0.0 <3'], undefined, undefined, [layerFile]),
    ];
  }
}

function patchLayer(Layer: LayerClass): void {
  const original = Layer.prototype.handleRequest;
  if (typeof original !== 'function' || original[ORIGINAL]) return;
  const patched = function handleRequest(
    this: { route?: unknown; method?: unknown },
    req: object,
    res: unknown,
    next: Next,
  ): unknown {
    // A layer with `route` dispatches to a route; one with `method` is a handler inside a route.
    if (this.route !== undefined || this.method !== undefined) return original.call(this, req, res, next);
    return original.call(this, req, res, function nextWithErrorCapture(this: unknown, ...args: [unknown?]) {
      const error = args[0];
      // Express reads anything but empty, 'route' and 'router' as an error.
      if (error !== undefined && error !== null && error !== 'route' && error !== 'router') {
        recordOnLayerSpan(req, error);
      }
      return next.apply(this, args);
    });
  } as HandleRequest & { [ORIGINAL]?: HandleRequest };
  patched[ORIGINAL] = original;
  Layer.prototype.handleRequest = patched;
}

function recordOnLayerSpan(req: object, error: unknown): void {
  const span = (req as Record<symbol, Span | undefined>)[LAYER_SPAN];
  if (!span?.isRecording()) return;
  if ((span as { status?: { code?: number } }).status?.code === SpanStatusCode.ERROR) return;
  const message = error instanceof Error ? error.message : String(error);
  span.recordException(error instanceof Error ? error : message);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
