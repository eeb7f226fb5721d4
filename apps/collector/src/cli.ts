import { resolve } from 'node:path';
import { buildApp } from './app.js';
import { ConfigError, loadConfig, USAGE } from './config.js';
import { mcpCommand } from './mcp/mcp-command.js';
import { reportCommand } from './report/report-command.js';
import { describeStore } from './store/open-store.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** The `faultline` command: parse flags, start every listener, stop cleanly on SIGTERM/SIGINT. */
export async function main(argv: string[]): Promise<void> {
  if (argv[0] === 'report') {
    process.exitCode = await reportCommand(argv.slice(1), process.env);
    return;
  }
  if (argv[0] === 'mcp') {
    process.exitCode = await mcpCommand(argv.slice(1), process.env);
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(argv, process.env);
  } catch (error) {
    if (error instanceof ConfigError || (error as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`faultline: ${(error as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw error;
  }
  if (config === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const storeName = config.store === 'sqlite' ? resolve(config.dbPath) : describeStore(config);
  const collector = await buildApp(config).catch((error: unknown) => {
    process.stderr.write(`faultline: cannot open ${storeName}: ${(error as Error).message}\n`);
    process.exit(1);
  });
  const ports = await collector.listen().catch(async (error: unknown) => {
    process.stderr.write(`faultline: cannot listen: ${(error as Error).message}\n`);
    await collector.close();
    process.exit(1);
  });
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stdout.write(
    [
      'Faultline collector',
      `  UI + API   http://${host}:${ports.port}/`,
      `  OTLP/HTTP  http://${host}:${ports.otlpHttpPort}  (/v1/traces, /v1/logs)`,
      `  OTLP/gRPC  ${host}:${ports.otlpGrpcPort}`,
      `  database   ${storeName}`,
      ...(config.forwardUrl ? [`  forward    ${config.forwardUrl}`] : []),
      '',
    ].join('\n'),
  );
  if (!LOOPBACK.has(config.host) && config.token === undefined) {
    process.stderr.write(
      `faultline: warning: listening on ${config.host} without FAULTLINE_TOKEN: anyone who can reach it can read and write traces\n`,
    );
  }
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    collector.close().then(
      () => process.exit(signal === 'SIGINT' ? 130 : 0),
      (error: unknown) => {
        process.stderr.write(`faultline: error while stopping: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
