// Bundles the collector's built CLI with the workspace packages it uses (@faultline/model, otlp,
// diagnosis) inlined, so the published package depends on npm packages only. Every other bare import
// stays external and becomes a dependency of the packed package.json.
import { builtinModules } from 'node:module';
import { rolldown } from 'rolldown';

/** The package a bare import specifier names (`@scope/name/sub` -> `@scope/name`); null for builtins. */
export function packageOf(specifier) {
  if (specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0])) return null;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
}

/** Bundles `entry` into `outDir` (ESM, Node); returns the set of npm packages the bundle imports. */
export async function bundleCollector(entry, outDir) {
  const externals = new Set();
  const bundle = await rolldown({
    input: { cli: entry },
    platform: 'node',
    logLevel: 'warn',
    external: (id) => {
      if (id.startsWith('.') || id.startsWith('/') || id.startsWith('\0') || id.startsWith('@faultline/')) {
        return false;
      }
      const name = packageOf(id);
      if (name) externals.add(name);
      return true;
    },
  });
  try {
    await bundle.write({
      dir: outDir,
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: '[name]-[hash].js',
      sourcemap: false,
    });
  } finally {
    await bundle.close();
  }
  return externals;
}
