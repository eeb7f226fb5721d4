import diagnosticsChannel from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Tracer } from '@opentelemetry/api';
import { context, SpanStatusCode } from '@opentelemetry/api';
import { describeError, warnOnce } from './faultline-log.js';
import { reportServerError, requestContextOf, setRequestRoute } from './http-server-tracing.js';

/** Fastify 5 publishes around every route handler on this tracing channel ... */
const HANDLER_START = 'tracing:fastify.request.handler:start';
const HANDLER_ERROR = 'tracing:fastify.request.handler:error';
/** ... and every new instance on this one. */
const INITIALIZATION = 'fastify.initialization';

/** When the handler started (`performance.now()`), kept on Fastify's channel store. */
const STARTED_AT = Symbol('faultline.fastify.startedAt');
/** Set on the channel store once its first error was seen. */
const ERRORED = Symbol('faultline.fastify.errored');
/** The error of a reply that Faultline has recorded or handed to the server span already. */
const NOTED_ERROR = Symbol('faultline.fastify.notedError');
/** How Fastify's own key for "this reply is sending an error" describes itself (lib/symbols.js). */
const REPLY_IS_ERROR_DESCRIPTION = 'fastify.reply.isError';

/** The parts of a Fastify request, reply and instance this module touches. */
interface RequestLike {
  readonly routeOptions?: { url?: string; handler?: { name?: string } };
}
interface ReplyLike {
  readonly raw: ServerResponse;
  readonly statusCode: number;
  [NOTED_ERROR]?: unknown;
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
  [STARTED_AT]?: number;
  [ERRORED]?: true;
}

/** What Fastify tracing needs. */
export interface FastifyTracingSetup {
  tracer: Tracer;
}

/**
 * Fastify tracing at almost no cost per request, on Fastify's own diagnostics channels instead of
 * @fastify/otel's hooks and spans (FAULTLINE_FASTIFY_SPANS=full brings those back):
 * - handler start: the request's route goes to its server span (http-server-tracing.ts), which is
 *   named `METHOD route` with `http.route` when it ends; the start time is noted on the channel's store.
 *   A successful request makes no span besides the server span.
 * - handler error (a throw or a rejection, answered 5xx): only now a span `handler - <name>` is made,
 *   from the noted start time, child of the server span, with the exception and ERROR, ended at once.
 * - every other error Fastify answers with: through an `onError` hook added to each new instance
 *   (hooks, validation, an Error the handler sent; Fastify runs `onError` only while answering with an
 *   error), and from the handler channel again when an async error handler rejects. Handed to the
 *   server span, which records it if the answer is 5xx.
 * A failure in here is reported once on stderr and switches the whole thing off; the app never sees it.
 * Returns a function that unsubscribes (the hooks already added then do nothing).
 */
export function installFastifyTracing(setup: FastifyTracingSetup): () => void {
  const { tracer } = setup;
  let active = true;

  const onHandlerStart = (message: unknown): void => {
    if (!active) return;
    try {
      const store = message as HandlerStore;
      store[STARTED_AT] = performance.now();
      setRequestRoute(store.reply.raw, store.route.url);
    } catch (error) {
      stepAside(error);
    }
  };

  const onHandlerError = (message: unknown): void => {
    if (!active) return;
    try {
      const store = message as HandlerStore;
      const { request, reply, error } = store;
      if (store[ERRORED] === true || NOTED_ERROR in reply) {
        // Not the handler's: an async error handler rejected, which Fastify publishes on the same
        // store, after an error the handler threw or one already answered (the handler sent an
        // Error, or a preHandler failed). No onError hook runs for an error handler's error.
        noteServerError(request, reply, error);
        return;
      }
      store[ERRORED] = true;
      // A preHandler hook's error is published here too, but the handler never ran: the onError hook
      // hands it to the server span. So does an error Fastify answers 4xx (it set the status already).
      if (handlerNeverRan(reply) || reply.statusCode < 500) return;
      const route = store.route.url;
      const span = tracer.startSpan(
        `handler - ${handlerName(request) || route}`,
        {
          startTime: store[STARTED_AT],
          attributes: { 'fastify.type': 'request-handler', 'http.route': route },
        },
        requestContextOf(reply.raw) ?? context.active(),
      );
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
      span.end();
      reply[NOTED_ERROR] = error;
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

/** Hands an error Fastify answers with to the server span, unless Faultline has it already. */
function noteServerError(request: RequestLike, reply: ReplyLike, error: unknown): void {
  if (NOTED_ERROR in reply && reply[NOTED_ERROR] === error) return;
  reply[NOTED_ERROR] = error;
  if (!reportServerError(reply.raw, error)) return;
  // A hook or validation failed before the handler started: the route is not named yet.
  const route = request.routeOptions?.url;
  if (route !== undefined) setRequestRoute(reply.raw, route);
}

/** The route handler's own name; Fastify binds handlers to their instance, which prefixes `bound `. */
function handlerName(request: RequestLike): string | undefined {
  const name = request.routeOptions?.handler?.name;
  return name?.startsWith('bound ') ? name.slice('bound '.length) : name;
}

/** Fastify's key for "this reply is sending an error", found on the first failing reply. */
let replyIsErrorKey: symbol | undefined;

/**
 * True when the error published on the handler channel came from a preHandler hook: Fastify then
 * flags the reply as sending an error before it publishes; for a handler's own throw or rejection it
 * does so after. When the key cannot be found (another Fastify version), the handler is assumed to
 * have run.
 */
function handlerNeverRan(reply: object): boolean {
  if (replyIsErrorKey === undefined || !Object.hasOwn(reply, replyIsErrorKey)) {
    replyIsErrorKey = Object.getOwnPropertySymbols(reply).find(
      (key) => key.description === REPLY_IS_ERROR_DESCRIPTION,
    );
  }
  return replyIsErrorKey !== undefined && (reply as Record<symbol, unknown>)[replyIsErrorKey] === true;
}
