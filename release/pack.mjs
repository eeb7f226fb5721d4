#!/usr/bin/env node
// Packs what users install: @faultline/instrument and @faultline/collector, as npm tarballs.
//
// Each package is staged in a folder of its own (only the files that run, README, LICENSE and a
// package.json with every `catalog:` version resolved and no workspace dependency left) and packed
// there with `npm pack`. The collector is bundled: its workspace packages (model, otlp, diagnosis)
// are inlined by rolldown and the built UI is copied in, so one package is all a user installs.
// Why bundled rather than publishing the workspace packages alongside: RELEASING.md.
//
// Usage: node release/pack.mjs [OUT_DIR]   (default release/out; prints one tarball path a line)
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleCollector, packageOf } from './bundle-collector.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ts = createRequire(import.meta.url)('typescript');

/**
 * Packages a dependency loads on Faultline's behalf although no file of ours imports it, each with
 * the reason; a packed package.json lists exactly what its files import plus these.
 */
export const LOADED_ON_OUR_BEHALF = {
  '@faultline/instrument': {
    // instrumentation-winston sends log records through it (log sending is on) but declares it only
    // as a devDependency: without it winston logs would silently stay out of the trace.
    '@opentelemetry/winston-transport': 'required by instrumentation-winston to send winston logs',
    // Named in the shipped .d.ts files (type-only imports), so TypeScript users resolve it.
    '@opentelemetry/sdk-trace-base': 'named by the shipped type declarations',
  },
  '@faultline/collector': {},
};

/** The `catalog:` block of pnpm-workspace.yaml as a name -> version range map. */
export function readCatalog(root = ROOT) {
  const lines = readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n');
  const start = lines.findIndex((line) => /^catalog:\s*$/.test(line));
  if (start < 0) throw new Error('pnpm-workspace.yaml has no catalog: block');
  const catalog = {};
  for (const line of lines.slice(start + 1)) {
    if (/^\S/.test(line)) break;
    const match = /^\s+("?)([^"\s:][^":]*)\1:\s*(\S+)\s*$/.exec(line);
    if (match) catalog[match[2]] = match[3];
  }
  return catalog;
}

/**
 * Every package that the given JavaScript files import or require, read by TypeScript's own import
 * scanner (`preProcessFile`), so a `require('x')` inside a comment or a string is not taken for one.
 */
export function importedPackages(files) {
  const found = new Set();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (fileName.startsWith('.') || fileName.startsWith('/')) continue;
      const name = packageOf(fileName);
      if (name) found.add(name);
    }
  }
  return found;
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

function listFiles(dir) {
  const out = [];
  for (const entry of execFileSync('find', [dir, '-type', 'f'], { encoding: 'utf8' }).split('\n')) {
    if (entry) out.push(entry);
  }
  return out;
}

/** The dependency map a packed package.json gets: exactly `names`, versions from the source manifest. */
function resolveDependencies(name, names, sourceManifest, catalog) {
  const dependencies = {};
  for (const dep of [...names].sort()) {
    const range = sourceManifest.dependencies?.[dep] ?? sourceManifest.devDependencies?.[dep];
    if (range === undefined)
      throw new Error(`${name}: imports ${dep}, which its package.json does not declare`);
    const version = range === 'catalog:' ? catalog[dep] : range;
    if (version === undefined || version.startsWith('workspace:') || version.startsWith('catalog:')) {
      throw new Error(`${name}: no publishable version for ${dep} (${range})`);
    }
    dependencies[dep] = version;
  }
  return dependencies;
}

/** The fields every published manifest shares, from the source package.json. */
function baseManifest(source) {
  return {
    name: source.name,
    version: source.version,
    description: source.description,
    license: 'Apache-2.0',
    keywords: ['opentelemetry', 'tracing', 'http-500', 'root-cause', 'observability'],
    engines: source.engines,
  };
}

function stageInstrument(stage, catalog) {
  const dir = join(ROOT, 'packages/instrument');
  const source = readJson(join(dir, 'package.json'));
  if (!existsSync(join(dir, 'dist/register.js')))
    throw new Error('packages/instrument is not built (pnpm build)');
  cpSync(join(dir, 'dist'), join(stage, 'dist'), {
    recursive: true,
    filter: (path) => !/\.(test|spec)\.|\.map$|\.tsbuildinfo$/.test(path),
  });
  cpSync(join(dir, 'README.md'), join(stage, 'README.md'));
  const files = listFiles(join(stage, 'dist')).filter((file) => file.endsWith('.js'));
  const names = importedPackages(files);
  for (const extra of Object.keys(LOADED_ON_OUR_BEHALF[source.name])) names.add(extra);
  return {
    ...baseManifest(source),
    type: source.type,
    main: source.main,
    types: source.types,
    exports: source.exports,
    files: ['dist'],
    dependencies: resolveDependencies(source.name, names, source, catalog),
  };
}

async function stageCollector(stage, catalog) {
  const dir = join(ROOT, 'apps/collector');
  const source = readJson(join(dir, 'package.json'));
  const uiDist = join(ROOT, 'apps/ui/dist');
  if (!existsSync(join(dir, 'dist/cli.js'))) throw new Error('apps/collector is not built (pnpm build)');
  if (!existsSync(join(uiDist, 'index.html'))) throw new Error('apps/ui is not built (pnpm build)');
  const externals = await bundleCollector(join(dir, 'dist/cli.js'), join(stage, 'dist'));
  cpSync(join(dir, 'bin'), join(stage, 'bin'), { recursive: true });
  cpSync(uiDist, join(stage, 'ui'), { recursive: true, filter: (path) => !path.endsWith('.map') });
  cpSync(join(dir, 'README.md'), join(stage, 'README.md'));
  return {
    ...baseManifest(source),
    type: source.type,
    bin: source.bin,
    exports: { './package.json': './package.json' },
    files: ['bin', 'dist', 'ui'],
    dependencies: resolveDependencies(source.name, externals, source, catalog),
  };
}

/** Stages and packs every published package into `outDir`; returns `{ name, tarball, bytes }` each. */
export async function packAll(outDir = join(ROOT, 'release/out')) {
  const catalog = readCatalog();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  /** @type {{ name: string, tarball: string, bytes: number }[]} */
  const packed = [];
  /** @type {{ name: string, stageFn: (stage: string, catalog: Record<string, string>) => unknown }[]} */
  const packages = [
    { name: '@faultline/instrument', stageFn: stageInstrument },
    { name: '@faultline/collector', stageFn: stageCollector },
  ];
  for (const { name, stageFn } of packages) {
    const stage = join(outDir, 'stage', name.replace('@faultline/', ''));
    mkdirSync(stage, { recursive: true });
    const manifest = await stageFn(stage, catalog);
    writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    cpSync(join(ROOT, 'LICENSE'), join(stage, 'LICENSE'));
    const file = execFileSync('npm', ['pack', '--silent', '--pack-destination', outDir], {
      cwd: stage,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .pop();
    const tarball = join(outDir, file);
    packed.push({ name, tarball, bytes: statSync(tarball).size });
  }
  return packed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packed = await packAll(process.argv[2] ? resolve(process.argv[2]) : undefined);
  for (const { tarball, bytes } of packed)
    process.stdout.write(`${tarball}\t${(bytes / 1024).toFixed(0)} KiB\n`);
}
