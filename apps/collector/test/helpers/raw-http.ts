import { connect } from 'node:net';

/** What came back for a raw request: the status, the header block and the body as text. */
export interface RawResponse {
  status: number;
  head: string;
  body: string;
}

/**
 * Sends `requestLine`, `headers` and `body` exactly as written over a fresh socket (no client-side
 * normalisation of the target, as fetch and node:http would apply) and reads until the server
 * closes (`Connection: close` is added).
 */
export function rawRequest(
  port: number,
  requestLine: string,
  headers: Record<string, string> = {},
  body: Buffer | string = '',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      resolve({
        status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0),
        head,
        body: text.slice(split + 4),
      });
    });
    const payload = typeof body === 'string' ? Buffer.from(body) : body;
    const all: Record<string, string> = { host: `127.0.0.1:${port}`, ...headers, connection: 'close' };
    if (payload.length > 0) all['content-length'] = String(payload.length);
    const lines = Object.entries(all).map(([name, value]) => `${name}: ${value}\r\n`);
    socket.write(Buffer.concat([Buffer.from(`${requestLine}\r\n${lines.join('')}\r\n`, 'latin1'), payload]));
  });
}
