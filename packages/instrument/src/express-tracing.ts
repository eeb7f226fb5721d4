import diagnosticsChannel from 'node:diagnostics_channel';
import type { ServerResponse } from 'node:http';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { ExpressInstrumentationConfig } from '@opentelemetry/instrumentation-express';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { describeError, warnOnce } from './faultline-log.js';
import { reportServerError, requestRoute, setRequestRoute } from './http-server-tracing.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** router 2.3 (Express 5's router) publishes around every handler, middleware and param callback here. */
const START = 'tracing:express.router.request:start';
const ERROR = 'tracing:express.router.request:error';
/** The first router version with that channel. */
export const ROUTER_WITH_CHANNEL = '>=2.3.0 <3';

/** The parts of the channel's context this module reads (router lib/layer.js, lib/tracing.js). */
interface LayerContext {
  req: RequestLike;
  res: ServerResponse;
  /** The layer running: a route's handler layer has an own `method` property (undefined for `all`). */
  layer: object;
  /** The pattern the layer's router matched: a route's path, or a `use` mount path. */
  route?: string | RegExp;
  /** Set for `router.param()` callbacks. */
  param?: string;
  errorHandler?: boolean;
  error?: unknown;
}
interface RequestLike {
  baseUrl?: string;
  [MOUNTS]?: Mount[];
}

/**
 * Patterns of mount paths with parameters (`/tenants/:tenant`), by the concrete base URL they
 * produced on this request (`/tenants/acme`), so a route under them is named by its pattern.
 */
const MOUNTS = Symbol('faultline.express.mounts');
interface Mount {
  base: string;
  pattern: string;
}

/**
 * Express 5 tracing at almost no cost per request, on router's `express.router.request` tracing
 * channel instead of instrumentation-express's per-layer wrappers and spans
 * (FAULTLINE_EXPRESS_SPANS=full brings those back):
 * - a route handler's start names the request's route on its server span (http-server-tracing.ts):
 *   `GET /orders/:id` with `http.route`, mount paths included (`/api` + `/orders/:id`).
 * - every error router publishes (a throw, a rejection, `next(err)`, from a handler, a middleware, a
 *   param callback or an error handler that replaced the error) goes to the server span, which
 *   records it if the answer is 5xx. The handler runs in the server span's context, so the spans it
 *   started are the server span's children and the diagnosis walks from the error down into them.
 * Needs router 2.3 (what `express@5` installs today); older routers and Express 4 keep
 * instrumentation-express (see `ExpressInstrumentationBesideChannel`). A failure in here is reported once
 * on stderr and switches it off. Returns a function that unsubscribes.
 */
export function installExpressTracing(): () => void {
  let active = true;

  const onStart = (message: unknown): void => {
    if (!active) return;
    try {
      nameRoute(message as LayerContext);
    } catch (error) {
      stepAside(error);
    }
  };

  const onError = (message: unknown): void => {
    if (!active) return;
    try {
      const ctx = message as LayerContext;
      if (reportServerError(ctx.res, ctx.error) && requestRoute(ctx.res) === undefined) {
        nameMountOfError(ctx);
      }
    } catch (failure) {
      stepAside(failure);
    }
  };

  diagnosticsChannel.subscribe(START, onStart);
  diagnosticsChannel.subscribe(ERROR, onError);
  const uninstall = (): void => {
    active = false;
    diagnosticsChannel.unsubscribe(START, onStart);
    diagnosticsChannel.unsubscribe(ERROR, onError);
  };
  const stepAside = (error: unknown): void => {
    uninstall();
    warnOnce('express-tracing', `Express tracing failed and is switched off: ${describeError(error)}`);
  };
  return uninstall;
}

function nameRoute(ctx: LayerContext): void {
  const { req, route } = ctx;
  if (route === undefined || ctx.param !== undefined || ctx.errorHandler === true) return;
  if (Object.hasOwn(ctx.layer, 'method')) {
    setRequestRoute(ctx.res, join(prefixOf(req, req.baseUrl ?? ''), route));
    return;
  }
  // A `use` layer at a path: what runs inside it sees `req.baseUrl` include the matched part.
  if (route !== '/') rememberMount(ctx, route);
}

/** A middleware mounted at a path failed before any route ran: the mount path names the request. */
function nameMountOfError(ctx: LayerContext): void {
  const { req, route } = ctx;
  if (route === undefined || route === '/' || Object.hasOwn(ctx.layer, 'method')) return;
  const base = req.baseUrl ?? '';
  const mount = req[MOUNTS]?.find((entry) => entry.base === base);
  setRequestRoute(ctx.res, mount?.pattern ?? (isPattern(route) ? String(route) : base));
}

/** The pattern of the base URL a layer runs under: its mount patterns, or the base itself when static. */
function prefixOf(req: RequestLike, base: string): string {
  if (base === '') return '';
  const mounts = req[MOUNTS];
  if (mounts !== undefined) {
    for (const mount of mounts) if (mount.base === base) return mount.pattern;
  }
  return base;
}

function rememberMount(ctx: LayerContext, route: string | RegExp): void {
  const req = ctx.req;
  const base = req.baseUrl ?? '';
  const mounts = req[MOUNTS];
  if (!isPattern(route)) {
    // A static mount's base URL is its own pattern; forget a parameter mount that left the same base.
    if (mounts !== undefined) req[MOUNTS] = mounts.filter((mount) => mount.base !== base);
    return;
  }
  const parentBase = parentBaseOf(ctx.layer, base);
  const pattern = join(prefixOf(req, parentBase), route);
  const kept = (mounts ?? []).filter((mount) => mount.base !== base);
  kept.push({ base, pattern });
  req[MOUNTS] = kept;
}

/**
 * The base URL of the router that holds a mount layer: `base` without the part the layer matched.
 * The layer's own matcher finds that part (only for mounts with parameters, so rarely).
 */
function parentBaseOf(layer: object, base: string): string {
  const match = (layer as { match?: (path: string) => { path?: string } | false }).match;
  if (typeof match !== 'function') return '';
  let at = 0;
  while (at >= 0 && at < base.length) {
    const rest = base.slice(at);
    const found = match.call(layer, rest);
    if (found && found.path === rest) return base.slice(0, at);
    at = base.indexOf('/', at + 1);
  }
  return '';
}

function isPattern(route: string | RegExp): boolean {
  return typeof route !== 'string' || /[:*?(){}]/.test(route);
}

function join(prefix: string, route: string | RegExp): string {
  const path = String(route);
  if (prefix === '') return path;
  return path === '/' ? prefix : `${prefix}${path}`;
}

/**
 * Instrumentation that only watches for router ≥2.3 being loaded, remembering its exports (the
 * Router that `express` 5 re-exports), so instrumentation-express can leave those Expresses alone.
 */
export class RouterChannelWatch extends InstrumentationBase<InstrumentationConfig> {
  private readonly routers = new WeakSet<object>();

  constructor() {
    super(`${PACKAGE_NAME}/router-channel`, PACKAGE_VERSION, {});
  }

  /** Whether `Router` is an export of a router that publishes on the tracing channel. */
  hasChannel(Router: unknown): boolean {
    return (typeof Router === 'function' || typeof Router === 'object') && Router !== null
      ? this.routers.has(Router)
      : false;
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition('router', [ROUTER_WITH_CHANNEL], (exports: object) => {
        this.routers.add(exports);
        return exports;
      }),
    ];
  }
}

/**
 * instrumentation-express for the Expresses Faultline's channel tracing cannot take: it leaves alone
 * an `express` whose Router is one `watch` saw with the tracing channel (installExpressTracing
 * covers it), and instruments Express 4 and Express 5 on an older router as before.
 */
export class ExpressInstrumentationBesideChannel extends ExpressInstrumentation {
  private readonly watch: RouterChannelWatch;
  /** Express module exports left unpatched, so they are not unpatched either. */
  private readonly skipped = new WeakSet<object>();

  constructor(config: ExpressInstrumentationConfig, watch: RouterChannelWatch) {
    super(config);
    this.watch = watch;
  }

  // Runs inside the base constructor, before the fields above exist; the patches read them later,
  // when a module is loaded.
  override init() {
    const definitions = super.init();
    for (const definition of definitions) {
      if (definition.name !== 'express' || definition.patch === undefined) continue;
      const { patch, unpatch } = definition;
      definition.patch = (exports: { Router?: unknown }, version?: string) => {
        if (this.watch.hasChannel(exports.Router)) {
          this.skipped.add(exports);
          return exports;
        }
        return patch(exports, version);
      };
      definition.unpatch = (exports: { Router?: unknown }, version?: string) => {
        if (!this.skipped.has(exports)) unpatch?.(exports, version);
      };
    }
    return definitions;
  }
}
