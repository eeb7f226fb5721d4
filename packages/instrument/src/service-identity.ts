import { readFileSync } from 'node:fs';
import path from 'node:path';

/** Who is sending telemetry: becomes `service.name`, `service.version`, `deployment.environment.name`. */
export interface ServiceIdentity {
  name: string;
  version: string | undefined;
  environment: string | undefined;
}

/** Reads and parses a JSON file, or returns undefined when it is missing or unreadable. */
export type JsonReader = (file: string) => unknown;

/** CI and hosting variables that carry the deployed commit, most specific first. */
const GIT_SHA_VARIABLES = [
  'GIT_COMMIT',
  'GIT_SHA',
  'SOURCE_VERSION',
  'COMMIT_SHA',
  'GITHUB_SHA',
  'CI_COMMIT_SHA',
  'VERCEL_GIT_COMMIT_SHA',
  'RENDER_GIT_COMMIT',
  'HEROKU_SLUG_COMMIT',
];

/**
 * Works out the service identity of the app whose main script is `mainScript` (process.argv[1]).
 * The name comes from the nearest package.json that has one, walking up from the script's folder
 * (a package.json holding only `"type"` is skipped), else from the script's file name.
 * OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES are applied later by the SDK and win over this.
 */
export function detectServiceIdentity(
  mainScript: string | undefined,
  env: NodeJS.ProcessEnv,
  readJson: JsonReader = readJsonFile,
): ServiceIdentity {
  const manifest = mainScript
    ? findNamedManifest(path.dirname(path.resolve(mainScript)), readJson)
    : undefined;
  const scriptName = mainScript ? path.basename(mainScript).replace(/\.[cm]?[jt]s$/, '') : '';
  const gitSha = GIT_SHA_VARIABLES.map((name) => env[name]?.trim()).find((value) => value);
  return {
    name: manifest?.name ?? (scriptName || 'unknown_service:node'),
    version: env['FAULTLINE_VERSION']?.trim() || manifest?.version || gitSha || undefined,
    environment: env['NODE_ENV']?.trim() || undefined,
  };
}

function findNamedManifest(
  startDir: string,
  readJson: JsonReader,
): { name: string; version: string | undefined } | undefined {
  let dir = startDir;
  for (;;) {
    const manifest = readJson(path.join(dir, 'package.json'));
    if (manifest && typeof manifest === 'object') {
      const { name, version } = manifest as { name?: unknown; version?: unknown };
      if (typeof name === 'string' && name !== '') {
        return { name, version: typeof version === 'string' && version !== '' ? version : undefined };
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}
