import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CollectorClient } from '../client/collector-client.js';
import { registerCompareTools } from './compare-tools.js';
import { registerDiagnoseTool } from './diagnose-tool.js';
import { registerReportTool } from './report-tool.js';
import { DATA_NOTICE } from './safe-text.js';
import { registerSearchTools } from './search-tools.js';
import { registerSpanTool } from './span-tool.js';

/** What the server tells a client about itself when it connects (MCP `instructions`). */
const INSTRUCTIONS = [
  "Faultline follows a failing request across services and databases and says where the error originated and why. These tools read a running Faultline collector's stored traces.",
  'A request that failed: call diagnose_trace with its trace id or its `traceresponse` response header. No id at hand: find_traces (e.g. status 500, limit 1) or list_failures, then diagnose_trace.',
  DATA_NOTICE,
].join('\n');

/** The MCP server `faultline mcp` runs: every tool reads the collector through `client`. */
export function buildMcpServer(client: CollectorClient, version: string): McpServer {
  const server = new McpServer({ name: 'faultline', version }, { instructions: INSTRUCTIONS });
  registerSearchTools(server, client);
  registerDiagnoseTool(server, client);
  registerSpanTool(server, client);
  registerCompareTools(server, client);
  registerReportTool(server, client);
  return server;
}
