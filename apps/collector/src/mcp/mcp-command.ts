import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CollectorClient } from '../client/collector-client.js';
import { buildMcpServer } from './mcp-server.js';

/** `faultline mcp --help`. */
export const MCP_USAGE = `Usage: faultline mcp [--url URL]

A Model Context Protocol server over stdio, for coding agents (Claude Code, Cursor, VS Code, Codex…):
the agent starts it, and it answers from a running collector's query API (SQLite or ClickHouse store
alike). It stores nothing and opens no port; stdout carries only MCP messages.

  --url URL          the collector's UI + API address (FAULTLINE_URL, default
                     http://127.0.0.1:8318, or the port in FAULTLINE_PORT)
  FAULTLINE_TOKEN    sent as "Authorization: Bearer <token>" when set (the collector's token)
  -h, --help         print this help

Tools: list_failures, diagnose_trace, find_traces, get_span, compare_with_success, what_differs,
incident_report. After a request answered 500: diagnose_trace with its traceresponse header (or
find_traces status=500 limit=1, then diagnose_trace) gives origin span, cause, evidence, next steps.

Register it with an agent (mcpServers JSON):
  { "mcpServers": { "faultline": { "command": "npx", "args": ["-y", "@faultline/collector", "mcp"] } } }
`;

/**
 * The collector package's version, for the MCP handshake: package.json is one folder up from the
 * published bundle (dist/cli.js), two from the workspace build (dist/mcp/mcp-command.js).
 */
function packageVersion(): string {
  for (const path of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === '@faultline/collector' && manifest.version) return manifest.version;
    } catch {
      // not there: try the next
    }
  }
  return '0.0.0';
}

/**
 * `faultline mcp [--url URL]`: serves MCP over stdin/stdout until the client closes stdin. Bad flags
 * print the usage on stderr (stdout is the protocol's) and return 2.
 */
export async function mcpCommand(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let values: { url?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    process.stderr.write(`faultline mcp: ${(error as Error).message}\n\n${MCP_USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(MCP_USAGE);
    return 0;
  }
  const client = CollectorClient.fromEnv(values.url, env);
  if (!/^https?:\/\/./.test(client.baseUrl)) {
    process.stderr.write(`faultline mcp: --url must be an http(s) URL, got "${client.baseUrl}"\n`);
    return 2;
  }
  const server = buildMcpServer(client, packageVersion());
  await server.connect(new StdioServerTransport());
  // Serving goes on in the transport's stdin listener; the process ends when the client closes stdin.
  await new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  await server.close();
  return 0;
}
