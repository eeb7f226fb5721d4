import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { CollectorRequestError } from '../client/collector-client.js';
import { clip, DATA_NOTICE } from './safe-text.js';

/** Bound on a tool's text answer, whatever the trace: about 4k tokens. */
export const MAX_TEXT_CHARS = 16_000;

/** A tool's answer: compact text (preamble, then lines) and the same facts as structured content. */
export function toolResult(lines: readonly string[], structured: Record<string, unknown>): CallToolResult {
  let text = [DATA_NOTICE, ...lines].join('\n');
  if (text.length > MAX_TEXT_CHARS)
    text = `${text.slice(0, MAX_TEXT_CHARS)}\n…[answer cut at ${MAX_TEXT_CHARS} chars]`;
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

/**
 * A failure the agent can act on (a bad id, an unknown trace, an unreachable collector): thrown from a
 * tool, the SDK answers it as `isError: true` with this message and nothing else (no stack trace).
 */
export class ToolError extends Error {}

/** Runs a collector request, turning its failure into a ToolError whose sentence says what to do. */
export async function fromCollector<T>(request: () => Promise<T>, notFound?: string): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (!(error instanceof CollectorRequestError)) throw error;
    if (error.kind === 'unreachable')
      throw new ToolError(
        `${error.message}. Start it (npx @faultline/collector) or point faultline mcp at it with --url or FAULTLINE_URL.`,
      );
    if (error.kind === 'not_json') throw new ToolError(error.message);
    if (error.status === 404 && notFound) throw new ToolError(notFound);
    // The client's sentence already names the fix (FAULTLINE_TOKEN).
    if (error.status === 401) throw new ToolError(error.message);
    throw new ToolError(`the collector answered ${error.status ?? 'badly'}: ${clip(error.message, 500)}`);
  }
}
