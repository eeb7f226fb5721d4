import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { badOtlp, bodyTooLarge, unsupportedMediaType } from '../errors.js';

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

/**
 * Undoes Content-Encoding. zlib's `maxOutputLength` stops inflating as soon as the output would pass
 * the limit, so a gzip bomb costs at most `maxBytes` of memory, never its full expansion.
 */
export async function decodeContentEncoding(
  body: Buffer,
  encoding: string | undefined,
  maxBytes: number,
): Promise<Buffer> {
  const name = (encoding ?? 'identity').trim().toLowerCase();
  if (name === 'identity' || name === '') return body;
  if (name !== 'gzip' && name !== 'deflate') {
    throw unsupportedMediaType(`Content-Encoding "${encoding}" is not supported; use gzip or none`);
  }
  try {
    return await (name === 'gzip' ? gunzipAsync : inflateAsync)(body, { maxOutputLength: maxBytes });
  } catch (error) {
    if (error instanceof RangeError || (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw bodyTooLarge(`the decompressed body exceeds ${maxBytes} bytes`);
    }
    throw badOtlp(`the body is not valid ${name} data: ${(error as Error).message}`);
  }
}
