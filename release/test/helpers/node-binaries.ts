import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A Node binary the user's services are started with in the smoke test. */
export interface NodeUnderTest {
  major: string;
  path: string;
}

const NODE_VERSIONS = fileURLToPath(new URL('../../../scripts/node-versions.mjs', import.meta.url));

/**
 * The machine's Node (the collector's too) and the official 22, 24 and 26 binaries, fetched from the
 * npm registry and cached by scripts/node-versions.mjs: the Node lines users' services run on.
 */
export function nodesUnderTest(): NodeUnderTest[] {
  const others = JSON.parse(
    execFileSync(process.execPath, [NODE_VERSIONS, '--json'], { encoding: 'utf8' }),
  ) as Record<string, string>;
  const list = Object.entries(others).map(([major, path]) => ({ major, path }));
  return [{ major: process.versions.node.split('.')[0]!, path: process.execPath }, ...list];
}
