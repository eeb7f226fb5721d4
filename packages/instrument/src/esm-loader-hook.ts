import nodeModule from 'node:module';
import { pathToFileURL } from 'node:url';

/** The asynchronous loader hook (import-in-the-middle on a loader thread), for Node without usable sync hooks. */
const ASYNC_HOOK = '@opentelemetry/instrumentation/hook.mjs';

/** import-in-the-middle's in-thread registration (`register-hooks.mjs`, import-in-the-middle >= 3.1). */
interface SyncHooks {
  register(): void;
}

/** import-in-the-middle's version check (`supports-sync-hooks.mjs`), which imports nothing. */
interface SyncHooksSupport {
  supportsSyncHooks(): boolean;
}

/** Which mechanism `registerEsmLoaderHook` used. */
export type EsmLoaderHook = 'sync' | 'async';

/**
 * Lets instrumentations patch modules loaded with `import` (import-in-the-middle). Where Node can run
 * import-in-the-middle's loader as synchronous in-thread hooks (`module.registerHooks`: Node 26, and
 * 22.22.3+ / 24.11.1+ on those lines), that is used: Node 26 deprecates `module.register()` (DEP0205)
 * and prints a warning for it at every start. Elsewhere (Node 20, older 22/24) the loader thread of
 * `module.register()` is used, which those versions do not warn about. Throws if neither works.
 */
export function registerEsmLoaderHook(parentURL: string = pathToFileURL(__filename).href): EsmLoaderHook {
  const syncHooks = loadSyncHooks();
  if (syncHooks) {
    syncHooks.register();
    return 'sync';
  }
  nodeModule.register(ASYNC_HOOK, parentURL);
  return 'async';
}

/**
 * import-in-the-middle's sync registration, taken from the copy @opentelemetry/instrumentation itself
 * depends on: the loader and the instrumentations' `Hook`s must share one module registry, and this
 * package does not pin a copy of its own. Undefined where import-in-the-middle says the running Node
 * cannot run them, on a Node without `module.registerHooks` (where `require()` of an ES module may not
 * work either) or with an import-in-the-middle that predates them. The version check is loaded first:
 * the hooks module pulls in the loader's parser, which the loader thread would load again.
 */
function loadSyncHooks(): SyncHooks | undefined {
  if (!('registerHooks' in nodeModule)) return undefined;
  const requireFromInstrumentation = nodeModule.createRequire(
    require.resolve('@opentelemetry/instrumentation'),
  );
  try {
    const support = requireFromInstrumentation(
      'import-in-the-middle/supports-sync-hooks.mjs',
    ) as SyncHooksSupport;
    if (!support.supportsSyncHooks()) return undefined;
    return requireFromInstrumentation('import-in-the-middle/register-hooks.mjs') as SyncHooks;
  } catch {
    return undefined;
  }
}
