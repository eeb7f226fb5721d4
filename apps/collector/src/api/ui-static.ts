import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, RouteOptions } from 'fastify';
import { PUBLIC_ROUTE } from '../auth.js';

/**
 * Where the built UI is when `--ui-dir` is not given: inside the installed package (`ui/` beside
 * `dist/`, where release/pack.mjs puts it) or, in this repository, apps/ui/dist. The first that holds
 * an index.html wins; the repository's path is named in the message when neither does.
 */
export function defaultUiDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const packaged = resolve(here, '../ui');
  const inRepository = resolve(here, '../../../ui/dist');
  return existsSync(join(packaged, 'index.html')) ? packaged : inRepository;
}

/**
 * A strict Content-Security-Policy: the UI is one origin, scripts from files only, no inline code,
 * so an attribute value that somehow reached the DOM as HTML still could not run.
 */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** Opens a route registered in this scope to callers without the token: the UI's files hold no data. */
function markPublic(route: RouteOptions): void {
  route.config = { ...route.config, public: true };
}

/**
 * Serves the built UI. Deep links (`/traces/:id`) get index.html so they work on reload; @fastify/static
 * resolves paths inside `root` only, so `..` cannot leave it. The files are registered in a scope of
 * their own whose routes are public (see auth.ts); everything else stays behind the token.
 */
export async function registerUi(app: FastifyInstance, uiDir: string): Promise<void> {
  app.addHook('onSend', async (request, reply) => {
    if (!request.url.startsWith('/api/')) {
      reply.header('content-security-policy', CSP);
      reply.header('x-content-type-options', 'nosniff');
      reply.header('referrer-policy', 'no-referrer');
    }
  });
  if (!existsSync(join(uiDir, 'index.html'))) {
    app.get('/', PUBLIC_ROUTE, async (_request, reply) =>
      reply
        .type('text/plain')
        .send(
          `Faultline collector is running, but the UI is not built (looked in ${uiDir}).\n` +
            'Build it with `pnpm build`, or use the API under /api/.\n',
        ),
    );
    return;
  }
  await app.register(async (scope) => {
    scope.addHook('onRoute', markPublic);
    await scope.register(fastifyStatic, { root: uiDir, wildcard: false, index: ['index.html'] });
    scope.setNotFoundHandler((request, reply) => {
      if (
        request.method === 'GET' &&
        !request.url.startsWith('/api/') &&
        !/\.[a-z0-9]+$/i.test(request.url.split('?')[0]!)
      ) {
        return reply.sendFile('index.html');
      }
      return reply.status(404).send({
        code: 'FL_ERR_NOT_FOUND',
        message: `no route ${request.method} ${request.url}`,
        statusCode: 404,
      });
    });
  });
}
