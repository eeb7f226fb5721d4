import diagnosticsChannel from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { describeError, warnOnce } from './faultline-log.js';
import { reportServerError, setRequestRoute } from './http-server-tracing.js';

/** Fastify 5 publishes around every route handler on this tracing channel ... */
const HANDLER_START = 'tracing:fastify.request.handler:start';
const HANDLER_ERROR = 'tracing:fastify.request.handler:error';
/** ... and every new instance on this one. */
const INITIALIZATION = 'fastify.initialization';

/** The parts of a Fastify request, reply and instance this module touches. */
interface RequestLike {
  readonly routeOptions?: { url?: string };
}
interface ReplyLike {
  readonly raw: ServerResponse;
}
interface InstanceLike {
  addHook(name: 'onError', hook: OnErrorHook): unknown;
}
type OnErrorHook = (request: RequestLike, reply: ReplyLike, error: unknown, done: () => void) => void;

/** What Fastify publishes on `fastify.request.handler` (lib/handle-request.js, lib/wrap-thenable.js). */
interface HandlerStore {
  request: RequestLike;
  reply: ReplyLike;
  route: { url: string };
  error?: unknown;
}

/**
 * Fastify tracing at almost no cost per request, on Fastify's own diagnostics channels instead of
 * @fastify/otel's hooks and spans (FAULTLINE_FASTIFY_SPANS=full brings those back):
 * - handler start: the request's route goes to its server span (http-server-tracing.ts), which is
 *   named `METHOD route` with `http.route` when it ends. A request makes no span besides the server
 *   span: the handler runs in the server span's context, so what it calls (queries, fetches) are the
 *   server span's children.
 * - every error Fastify answers with goes to the server span, which records it (exception event,
 *   ERROR with its message) if the answer is 5xx: a handler's throw or rejection from the handler
 *   channel (which also carries an async error handler's rejection), the rest (hooks, validation, an
 *   Error the handler sent) through an `onError` hook added to each new instance (Fastify runs it only
 *   while answering with an error).
 *   Why not a handler span made when the handler fails: the spans the handler started are the server
 *   span's children, not its, so the diagnosis' walk down failing children would stop at that span
 *   instead of following into the failed query or the upstream service that caused the error.
 * A failure in here is reported once on stderr and switches the whole thing off; the app never sees it.
 * Returns a function that unsubscribes (the hooks already added then do nothing).
 */
export function installFastifyTracing(): () => void {
  let active = true;

  const onHandlerStart = (message: unknown): void => {
    if (!active) return;
    try {
      const store = message as HandlerStore;
      setRequestRoute(store.reply.raw, store.route.url);
    } catch (error) {
      stepAside(error);
    }
  };

  const onHandlerError = (message: unknown): void => {
    if (!active) return;
    try {
      const { request, reply, error } = message as HandlerStore;
      noteServerError(request, reply, error);
    } catch (failure) {
      stepAside(failure);
    }
  };

  const onError: OnErrorHook = (request, reply, error, done) => {
    if (active) {
      try {
        noteServerError(request, reply, error);
      } catch (failure) {
        stepAside(failure);
      }
    }
    done();
  };

  const onInitialization = (message: unknown): void => {
    if (!active) return;
    try {
      (message as { fastify: InstanceLike }).fastify.addHook('onError', onError);
    } catch (error) {
      stepAside(error);
    }
  };

  const subscriptions: Array<[string, (message: unknown) => void]> = [
    [HANDLER_START, onHandlerStart],
    [HANDLER_ERROR, onHandlerError],
    [INITIALIZATION, onInitialization],
  ];
  for (const [name, subscriber] of subscriptions) diagnosticsChannel.subscribe(name, subscriber);

  const uninstall = (): void => {
    active = false;
    for (const [name, subscriber] of subscriptions) diagnosticsChannel.unsubscribe(name, subscriber);
  };
  const stepAside = (error: unknown): void => {
    uninstall();
    warnOnce('fastify-tracing', `Fastify tracing failed and is switched off: ${describeError(error)}`);
  };
  return uninstall;
}

/**
 * Hands an error Fastify answers with to the server span (which keeps each error once: Fastify can
 * report the same one on the handler channel and to the onError hook).
 */
function noteServerError(request: RequestLike, reply: ReplyLike, error: unknown): void {
  if (!reportServerError(reply.raw, error)) return;
  // A hook or validation failed before the handler started: the route is not named yet.
  const route = request.routeOptions?.url;
  if (route !== undefined) setRequestRoute(reply.raw, route);
}
