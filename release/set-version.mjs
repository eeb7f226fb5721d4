#!/usr/bin/env node
// Sets one version on every package of the workspace (they are released together), on the version the
// instrumentation reports as its scope version, and opens its section in CHANGELOG.md.
//
// Usage: node release/set-version.mjs 0.2.0
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/**
 * Folders of the workspace's own packages. Not apps/demo: it plays a user's service, and its version
 * is the `service.version` its spans report (the UI shows versions per failure group).
 */
export function workspacePackageDirs(root = ROOT) {
  const dirs = ['release', 'bench'];
  for (const parent of ['apps', 'packages']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (entry.isDirectory() && `${parent}/${entry.name}` !== 'apps/demo')
        dirs.push(`${parent}/${entry.name}`);
    }
  }
  return dirs;
}

function setVersion(version) {
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(version)) throw new Error(`not a version: ${version}`);
  for (const dir of workspacePackageDirs()) {
    const path = join(ROOT, dir, 'package.json');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text.replace(/^(\s*"version":\s*)"[^"]*"/m, `$1"${version}"`));
  }
  const versionFile = join(ROOT, 'packages/instrument/src/version.ts');
  const source = readFileSync(versionFile, 'utf8');
  writeFileSync(versionFile, source.replace(/PACKAGE_VERSION = '[^']*'/, `PACKAGE_VERSION = '${version}'`));
  const changelogPath = join(ROOT, 'CHANGELOG.md');
  const changelog = readFileSync(changelogPath, 'utf8');
  if (!changelog.includes(`## ${version}`)) {
    const at = changelog.indexOf('\n## ');
    const section = `\n## ${version} (unreleased)\n\n- \n`;
    writeFileSync(
      changelogPath,
      at < 0 ? changelog + section : changelog.slice(0, at) + section + changelog.slice(at),
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const version = process.argv[2];
  if (!version) {
    process.stderr.write('usage: node release/set-version.mjs <version>\n');
    process.exit(2);
  }
  setVersion(version);
}
