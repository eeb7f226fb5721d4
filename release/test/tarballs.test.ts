import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importedPackages, LOADED_ON_OUR_BEHALF, packAll, readCatalog } from '../pack.mjs';
import { workspacePackageDirs } from '../set-version.mjs';
import { tempDir } from './helpers/user-machine.js';

// What `npm publish` would upload, checked file by file: only what runs, a license, and manifests a
// registry can resolve. (Nothing is published from here; the tarball is the artefact.)

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const work = tempDir('tarballs');
const unpacked = new Map<string, string>();

beforeAll(async () => {
  for (const { name, tarball } of await packAll(join(work.path, 'out'))) {
    const dir = join(work.path, name.replace('@faultline/', ''));
    mkdirSync(dir);
    execFileSync('tar', ['xzf', tarball, '-C', dir]);
    unpacked.set(name, join(dir, 'package'));
  }
});

afterAll(() => work.dispose());

function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

function manifest(name: string): Record<string, unknown> & { dependencies: Record<string, string> } {
  return JSON.parse(readFileSync(join(unpacked.get(name)!, 'package.json'), 'utf8'));
}

describe('the packed tarballs', () => {
  it('@faultline/instrument holds its built code, README, LICENSE and manifest, and nothing else', () => {
    const files = filesOf(unpacked.get('@faultline/instrument')!);
    const others = files.filter((file) => !/^dist\/[\w-]+\.(js|d\.ts)$/.test(file));
    expect(others).toEqual(['LICENSE', 'README.md', 'package.json']);
    expect(files).toContain('dist/register.js');
    expect(files.filter((file) => /test|bench|\.map$|\.ts$/.test(file) && !file.endsWith('.d.ts'))).toEqual(
      [],
    );
  });

  it('@faultline/collector holds the bundled CLI, its bin and the built UI', () => {
    const files = filesOf(unpacked.get('@faultline/collector')!);
    const others = files.filter((file) => !/^(dist\/[\w-]+\.js|ui\/.+)$/.test(file));
    expect(others).toEqual(['LICENSE', 'README.md', 'bin/faultline.js', 'package.json']);
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('ui/index.html');
    expect(files.filter((file) => file.endsWith('.map'))).toEqual([]);
  });

  it('@faultline/collector keeps the MCP SDK and zod external: dependencies at the catalog version, not bundled', () => {
    const catalog = readCatalog() as Record<string, string>;
    const { dependencies } = manifest('@faultline/collector');
    expect(dependencies['@modelcontextprotocol/sdk']).toBe(catalog['@modelcontextprotocol/sdk']);
    expect(dependencies['zod']).toBe(catalog['zod']);
    const dir = unpacked.get('@faultline/collector')!;
    const bundle = filesOf(dir)
      .filter((file) => file.startsWith('dist/'))
      .map((file) => readFileSync(join(dir, file), 'utf8'))
      .join('\n');
    expect(bundle).toMatch(/from ["']@modelcontextprotocol\/sdk\/server\/mcp\.js["']/);
    // The SDK's own classes would be here if rolldown had inlined it.
    expect(bundle).not.toMatch(/class (McpServer|StdioServerTransport|Protocol)\b/);
  });

  it('no file refers to a source map, and the LICENSE is Apache-2.0 in both', () => {
    for (const [name, dir] of unpacked) {
      for (const file of filesOf(dir).filter((f) => f.endsWith('.js'))) {
        expect(readFileSync(join(dir, file), 'utf8'), `${name}/${file}`).not.toContain('sourceMappingURL');
      }
      expect(readFileSync(join(dir, 'LICENSE'), 'utf8')).toContain('Apache License');
      expect(manifest(name).license).toBe('Apache-2.0');
    }
  });

  it('manifests name only registry versions, and depend on exactly what their files import', () => {
    for (const [name, dir] of unpacked) {
      const text = readFileSync(join(dir, 'package.json'), 'utf8');
      expect(text).not.toMatch(/workspace:|catalog:|"private"|devDependencies|"scripts"/);
      const code = filesOf(dir)
        .filter((file) => /^(dist|bin)\/.*\.js$/.test(file))
        .map((file) => join(dir, file));
      const expected = importedPackages(code);
      for (const extra of Object.keys(LOADED_ON_OUR_BEHALF[name as keyof typeof LOADED_ON_OUR_BEHALF])) {
        expected.add(extra);
      }
      expect(Object.keys(manifest(name).dependencies).sort(), name).toEqual([...expected].sort());
      expect(
        [...expected].filter((dep) => dep.startsWith('@faultline/')),
        name,
      ).toEqual([]);
    }
  });

  it('counts an import only where code imports: not a require() named in a comment or a string', () => {
    const file = join(work.path, 'sample.js');
    writeFileSync(
      file,
      [
        '"use strict";',
        "const api = require('@opentelemetry/api');",
        "/** `require('better-sqlite3')` hands over the class itself */",
        "// import x from 'left-pad';",
        'const text = "require(\'not-a-dependency\')";',
        "import('@opentelemetry/core').then(() => {});",
      ].join('\n'),
    );
    expect([...importedPackages([file])].sort()).toEqual(['@opentelemetry/api', '@opentelemetry/core']);
  });

  it('every package carries the one version of the workspace and states the Node versions it runs on', () => {
    const versions = new Set(
      workspacePackageDirs().map(
        (dir) =>
          (JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8')) as { version: string }).version,
      ),
    );
    expect(readFileSync(join(ROOT, 'packages/instrument/src/version.ts'), 'utf8')).toContain(
      `PACKAGE_VERSION = '${[...versions][0]}'`,
    );
    expect([...versions]).toEqual([manifest('@faultline/collector').version]);
    for (const name of unpacked.keys()) expect(manifest(name).engines).toEqual({ node: '>=20.19.0' });
    const changelog = readFileSync(join(ROOT, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toContain(`## ${[...versions][0]}`);
  });
});
