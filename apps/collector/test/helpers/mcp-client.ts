import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../../bin/faultline.js');

/** The SDK's own client, connected over stdio to a `faultline mcp` process of the built CLI. */
export interface McpSession {
  client: Client;
  /** Calls a tool; the answer's text, structured content and error flag. */
  call(name: string, args: Record<string, unknown>): Promise<ToolAnswer>;
  /** What the server wrote on stderr so far. */
  stderr(): string;
  close(): Promise<void>;
}

/** One tool answer, its text content joined. */
export interface ToolAnswer {
  text: string;
  structured: Record<string, unknown> | undefined;
  isError: boolean;
}

/** Spawns `faultline mcp` with `args` and `env` (on top of PATH/HOME only) and connects the SDK client. */
export async function connectMcp(args: string[], env: Record<string, string> = {}): Promise<McpSession> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', ...args],
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
    stderr: 'pipe',
  });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const client = new Client({ name: 'faultline-test', version: '1.0.0' });
  await client.connect(transport);
  return {
    client,
    async call(name, toolArgs) {
      const result = (await client.callTool({ name, arguments: toolArgs })) as CallToolResult;
      const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
      return { text, structured: result.structuredContent, isError: result.isError === true };
    },
    stderr: () => stderr,
    close: () => client.close(),
  };
}
