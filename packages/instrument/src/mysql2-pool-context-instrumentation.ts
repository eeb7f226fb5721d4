import { context } from '@opentelemetry/api';
import type { InstrumentationConfig } from '@opentelemetry/instrumentation';
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
  isWrapped,
} from '@opentelemetry/instrumentation';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';

type GetConnection = (this: unknown, callback?: unknown, ...rest: unknown[]) => unknown;
interface PoolClass {
  prototype: { getConnection: GetConnection };
}

/** mysql2 versions with a pool; recent 3.x define it in `lib/base/pool.js`, older ones in `lib/pool.js`. */
const SUPPORTED = ['>=1.4.2 <4'];

/**
 * Runs a mysql2 pool's `getConnection` callback in the caller's context. When every connection is
 * taken, mysql2 queues the callback and calls it from `releaseConnection`, i.e. inside the request
 * that gave its connection back; `pool.query`/`pool.execute` start the query there, so
 * @opentelemetry/instrumentation-mysql2 (which patches only `Connection#query`/`execute`) parents the
 * query span to the other request. The waiting request's trace then lacks its query span, and its
 * failure is diagnosed from the handler's exception instead of the database error (issue 20).
 */
export class Mysql2PoolContextInstrumentation extends InstrumentationBase<InstrumentationConfig> {
  constructor(config: InstrumentationConfig = {}) {
    super(`${PACKAGE_NAME}/mysql2-pool`, PACKAGE_VERSION, config);
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const file = (name: string): InstrumentationNodeModuleFile =>
      new InstrumentationNodeModuleFile(
        `mysql2/lib/${name}`,
        SUPPORTED,
        (moduleExports: PoolClass) => {
          this.patch(moduleExports);
          return moduleExports;
        },
        (moduleExports?: PoolClass) => this.unpatch(moduleExports),
      );
    return [
      new InstrumentationNodeModuleDefinition(
        'mysql2',
        SUPPORTED,
        (moduleExports: unknown) => moduleExports,
        () => undefined,
        [file('base/pool.js'), file('pool.js')],
      ),
    ];
  }

  // Only the class that defines getConnection: where lib/pool.js inherits it, its base is patched.
  private patch(Pool: PoolClass | undefined): void {
    const prototype = Pool?.prototype;
    if (!prototype || !Object.hasOwn(prototype, 'getConnection')) return;
    if (isWrapped(prototype.getConnection)) this._unwrap(prototype, 'getConnection');
    this._wrap(prototype, 'getConnection', (original: GetConnection) => {
      return function getConnection(this: unknown, callback?: unknown, ...rest: unknown[]): unknown {
        // A callback re-queued by releaseConnection is already bound: the inner binding wins.
        const bound =
          typeof callback === 'function'
            ? context.bind(context.active(), callback as (...args: unknown[]) => unknown)
            : callback;
        return original.call(this, bound, ...rest);
      };
    });
  }

  private unpatch(Pool: PoolClass | undefined): void {
    const prototype = Pool?.prototype;
    if (prototype && Object.hasOwn(prototype, 'getConnection') && isWrapped(prototype.getConnection)) {
      this._unwrap(prototype, 'getConnection');
    }
  }
}
