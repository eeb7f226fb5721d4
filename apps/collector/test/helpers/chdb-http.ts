import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * ClickHouse's HTTP interface, the part `@clickhouse/client` speaks, in front of the in-process chdb
 * engine: so a test can put real sockets (and a proxy that breaks them) between the client and the
 * engine. `POST /?query=INSERT … FORMAT X` with the rows as the body, `POST /` with the statement as
 * the body, `param_<name>` URL parameters for `{name:Type}`, `GET /ping`; an error is a 500 whose body
 * is ClickHouse's `Code: N. DB::Exception: … (TYPE)`, which the client parses as a server's.
 */

/** What the front asks of chdb's connection (`chdb/connection`, the client's Connection contract). */
export interface ChdbEngine {
  command(params: { query: string; query_id: string }): Promise<unknown>;
  insert(params: { query: string; values: string; query_id: string }): Promise<unknown>;
  exec(params: {
    query: string;
    query_params: Record<string, string>;
    query_id: string;
  }): Promise<{ stream: AsyncIterable<Uint8Array> }>;
}

/** A running HTTP front: its URL and how to stop it. */
export interface ChdbHttpServer {
  url: string;
  close(): Promise<void>;
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves chdb over HTTP on a free loopback port. chdb keeps one current database per session, so
 * requests run one at a time, each after a `USE` of the database it names.
 */
export async function chdbHttpServer(connection: ChdbEngine): Promise<ChdbHttpServer> {
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(work: () => Promise<T>): Promise<T> => {
    const run = queue.then(work, work);
    queue = run.catch(() => {});
    return run;
  };
  const server: Server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://chdb');
    if (url.pathname === '/ping') {
      response.end('Ok.\n');
      return;
    }
    const body = await bodyOf(request);
    const params = Object.fromEntries(
      [...url.searchParams].filter(([k]) => k.startsWith('param_')).map(([k, v]) => [k.slice(6), v]),
    );
    const database = url.searchParams.get('database');
    const statement = url.searchParams.get('query');
    try {
      const bytes = await serialized(async () => {
        if (database) await connection.command({ query: `USE ${database}`, query_id: '' });
        if (statement !== null) {
          await connection.insert({ query: statement, values: body, query_id: '' });
          return Buffer.alloc(0);
        }
        const result = await connection.exec({ query: body, query_params: params, query_id: '' });
        const chunks: Buffer[] = [];
        for await (const chunk of result.stream) chunks.push(Buffer.from(chunk));
        return Buffer.concat(chunks);
      });
      response.end(bytes);
    } catch (error) {
      response.statusCode = 500;
      response.end(
        `Code: ${codeOf(error)}. DB::Exception: ${messageOf(error)} (${typeOf(error)}) (version chdb)`,
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/*
 * chdb's errors arrive parsed (code, type, message without the `Code: N.` prefix); they are put back
 * in the form ClickHouse's HTTP interface answers with.
 */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && /^\d+$/.test(code) ? code : '1001';
}

function typeOf(error: unknown): string {
  const type = (error as { type?: unknown })?.type;
  return typeof type === 'string' ? type : 'STD_EXCEPTION';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
