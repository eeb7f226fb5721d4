import { Transform, type TransformCallback } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { overloaded } from '../errors.js';

/**
 * How many request-body bytes all OTLP/HTTP requests together may hold in memory at once. Each body
 * may be up to `maxBodyBytes`, and a body is buffered whole before it is decoded, so without a shared
 * budget a few hundred slow clients each sending most of a large body could hold gigabytes between
 * them. A request that would take the total over the budget is answered 503 with Retry-After (the
 * official exporters retry that) before more of its body is read.
 */
export class InflightBudget {
  private used = 0;

  constructor(readonly limitBytes: number) {}

  get usedBytes(): number {
    return this.used;
  }

  tryReserve(bytes: number): boolean {
    if (this.used + bytes > this.limitBytes) return false;
    this.used += bytes;
    return true;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}

function overBudget() {
  return overloaded('the collector is holding too many request bodies at once; retry shortly');
}

/**
 * Makes every request body on `app` count against `budget` while it is buffered and handled. A
 * declared Content-Length is reserved up front, so a request that cannot fit is refused before its
 * body is read; a chunked body reserves as its chunks arrive. The reservation is returned when the
 * response is finished or the connection is gone.
 */
export function installInflightBudget(app: FastifyInstance, budget: InflightBudget): void {
  app.addHook('preParsing', async (request, reply, payload) => {
    if (request.method === 'GET' || request.method === 'HEAD') return payload;
    let reserved = 0;
    reply.raw.once('close', () => budget.release(reserved));
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > 0) {
      if (!budget.tryReserve(declared)) throw overBudget();
      reserved = declared;
      return payload;
    }
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, callback: TransformCallback) {
        if (!budget.tryReserve(chunk.length)) {
          callback(overBudget());
          return;
        }
        reserved += chunk.length;
        callback(null, chunk);
      },
    });
    payload.on('error', (error) => counted.destroy(error));
    return payload.pipe(counted);
  });
}
