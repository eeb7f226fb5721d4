import diagnosticsChannel from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import FastifyOtelInstrumentation from '@fastify/otel';
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
  readonly version?: unknown;
  addHook(name: 'onError', hook: OnErrorHook): unknown;
  register(plugin: unknown): unknown;
}
type OnErrorHook = (request: RequestLike, reply: ReplyLike, error: unknown, done: () => void) => void;

/** What Fastify publishes on `fastify.request.handler` (lib/handle-request.js, lib/wrap-thenable.js). */
interface HandlerStore {
  request: RequestLike;
  reply: ReplyLike;
  route?: { url: string };
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
 * Fastify 4 publishes no handler channel: its instances are left to @fastify/otel
 * (`FastifyOtelBesideChannel`), which names the route and records errors on its handler span.
 * A failure in here is reported once on stderr and switches the whole thing off; the app never sees it.
 * Returns a function that unsubscribes (the hooks already added then do nothing).
 */
export function installFastifyTracing(): () => void {
  let active = true;

  const onHandlerStart = (message: unknown): void => {
    if (!active) return;
    try {
      const store = message as HandlerStore;
      const route = store.route?.url ?? store.request.routeOptions?.url;
      if (route !== undefined) setRequestRoute(store.reply.raw, route);
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
      const instance = (message as { fastify: InstanceLike }).fastify;
      if (publishesHandlerChannel(instance)) instance.addHook('onError', onError);
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

/**
 * Whether a Fastify instance publishes `fastify.request.handler` (Fastify 5 does, 4 does not). An
 * instance whose version cannot be read is taken as one that does not: @fastify/otel then traces it.
 */
export function publishesHandlerChannel(instance: { readonly version?: unknown }): boolean {
  const major = Number.parseInt(String(instance.version), 10);
  return Number.isInteger(major) && major >= 5;
}

/**
 * @fastify/otel for the Fastify instances the channel tracing cannot see (Fastify 4), in light mode:
 * without it their requests would go out as `GET` with no `http.route` and their errors unrecorded.
 * It registers its plugin on each such instance as it is created (as `registerOnInitialization` does
 * for every instance) and leaves Fastify 5 instances to `installFastifyTracing`.
 */
export class FastifyOtelBesideChannel extends FastifyOtelInstrumentation {
  // Set by enable(), which the base constructor calls: a field initializer would run after it.
  declare private onOlderInstance: ((message: unknown) => void) | undefined;

  constructor() {
    super({ registerOnInitialization: false });
  }

  override enable(): void {
    if (this.onOlderInstance === undefined) {
      this.onOlderInstance = (message: unknown): void => {
        try {
          const instance = (message as { fastify: InstanceLike }).fastify;
          if (publishesHandlerChannel(instance)) return;
          // `register` runs plugins only once the app awaits the instance: the plugin is applied now,
          // and an empty one named like it keeps `hasPlugin('@fastify/otel')` true, as upstream does.
          this.plugin()(instance as never, {}, () => {});
          const named = (_instance: unknown, _options: unknown, done: () => void): void => done();
          Object.assign(named, {
            [Symbol.for('skip-override')]: true,
            [Symbol.for('fastify.display-name')]: '@fastify/otel',
          });
          instance.register(named);
        } catch (error) {
          warnOnce(
            'fastify-otel-fallback',
            `@fastify/otel could not trace a Fastify 4 app: ${describeError(error)}`,
          );
        }
      };
      diagnosticsChannel.subscribe(INITIALIZATION, this.onOlderInstance);
    }
    super.enable();
  }

  override disable(): void {
    if (this.onOlderInstance !== undefined) {
      diagnosticsChannel.unsubscribe(INITIALIZATION, this.onOlderInstance);
      this.onOlderInstance = undefined;
    }
    super.disable();
  }
}
