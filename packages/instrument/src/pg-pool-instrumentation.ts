import type { Span } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

/** Span attributes Faultline adds to `pg-pool.connect` spans. */
export const POOL_ATTRIBUTES = {
  total: 'faultline.pool.total',
  idle: 'faultline.pool.idle',
  waiting: 'faultline.pool.waiting',
  max: 'faultline.pool.max',
  exhausted: 'faultline.pool.exhausted',
} as const;

/** The parts of a pg-pool `Pool` read here (public getters of pg-pool 2 and 3). */
interface PoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  options?: { max?: number };
}

type Connect = (this: PoolLike, callback?: (...args: unknown[]) => void) => unknown;
const ORIGINAL = Symbol('faultline original pg-pool connect');

/**
 * Adds the pool's state to the `pg-pool.connect` span of @opentelemetry/instrumentation-pg when the
 * checkout had to wait or failed: "timeout exceeded when trying to connect" alone does not say that
 * every connection was taken. It must be enabled before the pg instrumentation, so that its wrapper
 * sits inside theirs and runs while their span is active and before they end it.
 */
export class PgPoolStateInstrumentation extends InstrumentationBase<InstrumentationConfig> {
  constructor(config: InstrumentationConfig = {}) {
    super(`${PACKAGE_NAME}/pg-pool`, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition(
        'pg-pool',
        ['>=2.0.0 <4'],
        (moduleExports: unknown) => {
          patchPool(poolClassOf(moduleExports));
          return moduleExports;
        },
        (moduleExports: unknown) => unpatchPool(poolClassOf(moduleExports)),
      ),
    ];
  }
}

function poolClassOf(moduleExports: unknown): { prototype: { connect: Connect & { [ORIGINAL]?: Connect } } } {
  const candidate = moduleExports as { default?: unknown; prototype?: unknown };
  return (candidate.prototype ? candidate : candidate.default) as never;
}

// A plain replacement, not shimmer's `_wrap`: the pg instrumentation unwraps anything shimmer-wrapped
// before wrapping `connect` itself, which would remove this layer.
function patchPool(Pool: { prototype: { connect: Connect & { [ORIGINAL]?: Connect } } }): void {
  const original = Pool.prototype.connect;
  if (typeof original !== 'function' || original[ORIGINAL]) return;
  const patched = function connect(this: PoolLike, callback?: (...args: unknown[]) => void): unknown {
    const span = trace.getActiveSpan();
    if (!isPoolConnectSpan(span)) return original.call(this, callback);
    const pool = this;
    const mustWait = pool.idleCount === 0 && pool.totalCount >= maxOf(pool);
    if (typeof callback === 'function') {
      return original.call(pool, function (this: unknown, error: unknown, ...rest: unknown[]) {
        annotate(span, pool, mustWait, error);
        return callback.call(this, error, ...rest);
      });
    }
    const result = original.call(pool);
    if (!(result instanceof Promise)) return result;
    return result.then(
      (client: unknown) => {
        annotate(span, pool, mustWait, undefined);
        return client;
      },
      (error: unknown) => {
        annotate(span, pool, mustWait, error);
        throw error;
      },
    );
  } as Connect & { [ORIGINAL]?: Connect };
  patched[ORIGINAL] = original;
  Pool.prototype.connect = patched;
}

function unpatchPool(Pool: { prototype: { connect: Connect & { [ORIGINAL]?: Connect } } }): void {
  const original = Pool.prototype.connect[ORIGINAL];
  if (original) Pool.prototype.connect = original;
}

function isPoolConnectSpan(span: Span | undefined): span is Span {
  return span?.isRecording() === true && (span as { name?: string }).name === 'pg-pool.connect';
}

function maxOf(pool: PoolLike): number {
  // pg-pool's default `max` is 10.
  return typeof pool.options?.max === 'number' ? pool.options.max : 10;
}

/** Records the pool state on the span when the checkout waited or failed; the common fast path adds nothing. */
function annotate(span: Span, pool: PoolLike, waited: boolean, error: unknown): void {
  if (!waited && !error) return;
  const max = maxOf(pool);
  span.setAttributes({
    [POOL_ATTRIBUTES.total]: pool.totalCount,
    [POOL_ATTRIBUTES.idle]: pool.idleCount,
    [POOL_ATTRIBUTES.waiting]: pool.waitingCount,
    [POOL_ATTRIBUTES.max]: max,
  });
  if (error && pool.totalCount >= max && pool.idleCount === 0) {
    span.setAttributes({ [POOL_ATTRIBUTES.exhausted]: true, 'error.type': 'pool_exhausted' });
  }
}
