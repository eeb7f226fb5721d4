import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packAll } from '../pack.mjs';
import { dockerfileSteps } from './helpers/dockerfile.js';
import { nodesUnderTest } from './helpers/node-binaries.js';
import { LISTENING, SERVICE_FILES } from './helpers/services.js';
import { poll, type Running, sh, start, tempDir, userEnv, writeProject } from './helpers/user-machine.js';

// The user's path, end to end: the tarballs a release publishes are installed with plain npm into a
// project in a temporary folder (no clone, no workspace, no pnpm on the module path), the collector
// is started the way the README says, and two services the user wrote send a failing request.

const work = tempDir('smoke');
const project = join(work.path, 'project');
let tarballs: { instrument: string; collector: string };
let collector: Running;
let api: string;
let otlpHttp: string;
const started: Running[] = [];
const traceIds: string[] = [];

interface TraceAnswer {
  spans: { spanId: string; service: string; name: string }[];
  diagnosis: { originService: string; originSpanId: string; cause: string; summary: string } | null;
}

beforeAll(async () => {
  const packed = await packAll(join(work.path, 'tarballs'));
  tarballs = {
    instrument: packed.find((p) => p.name === '@faultline/instrument')!.tarball,
    collector: packed.find((p) => p.name === '@faultline/collector')!.tarball,
  };
  await sh('mkdir', ['-p', project], { cwd: work.path });
  writeProject(project, SERVICE_FILES);
  await sh(
    'npm',
    ['install', '--no-audit', '--no-fund', tarballs.instrument, tarballs.collector, 'express@5', 'koa@3'],
    {
      cwd: project,
    },
  );
  collector = start(
    'npx',
    [
      '@faultline/collector',
      '--db',
      './traces.db',
      '--port',
      '0',
      '--otlp-http-port',
      '0',
      '--otlp-grpc-port',
      '0',
    ],
    project,
  );
  const [, uiPort] = await collector.waitFor(/UI \+ API\s+http:\/\/127\.0\.0\.1:(\d+)\//);
  const [, otlpPort] = await collector.waitFor(/OTLP\/HTTP\s+http:\/\/127\.0\.0\.1:(\d+)/);
  api = `http://127.0.0.1:${uiPort}`;
  otlpHttp = `http://127.0.0.1:${otlpPort}`;
}, 1_500_000);

afterAll(async () => {
  await Promise.all(started.map((service) => service.stop()));
  await collector?.stop();
  work.dispose();
});

/** Starts one of the user's services on `node` with Faultline loaded; resolves once it listens. */
async function startService(
  node: string,
  script: string,
  env: Record<string, string>,
): Promise<{ url: string; nodeMajor: string }> {
  const preload = script.endsWith('.mjs') ? '--import' : '--require';
  const service = start(node, [preload, '@faultline/instrument/register', script], project, {
    OTEL_EXPORTER_OTLP_ENDPOINT: otlpHttp,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    ...env,
  });
  started.push(service);
  const [, port, version] = await service.waitFor(LISTENING, 30_000);
  return { url: `http://127.0.0.1:${port}`, nodeMajor: version!.slice(1) };
}

describe('a user project with the packed tarballs installed by npm', () => {
  it('has no link into this repository: every Faultline file comes from the tarballs', async () => {
    const { stdout } = await sh('npm', ['ls', '--all', '--parseable'], { cwd: project });
    const faultline = stdout.split('\n').filter((line) => line.includes('@faultline'));
    expect(faultline.length).toBeGreaterThanOrEqual(2);
    for (const path of faultline) expect(path.startsWith(project)).toBe(true);
    expect(existsSync(join(project, 'node_modules/@faultline/collector/ui/index.html'))).toBe(true);
    expect(existsSync(join(project, 'node_modules/@faultline/model'))).toBe(false);
  });

  for (const node of nodesUnderTest()) {
    it(`diagnoses a 500 from an Express (CJS) and a Koa (ESM) service on Node ${node.major}`, async () => {
      const orders = await startService(node.path, 'orders.cjs', { OTEL_SERVICE_NAME: 'orders' });
      const gateway = await startService(node.path, 'gateway.mjs', {
        OTEL_SERVICE_NAME: 'gateway',
        ORDERS_URL: orders.url,
      });
      expect([orders.nodeMajor, gateway.nodeMajor]).toEqual([node.major, node.major]);

      const answer = await fetch(`${gateway.url}/checkout/broken`);
      expect(answer.status).toBe(500);
      const traceId = /^00-([0-9a-f]{32})-/.exec(answer.headers.get('traceresponse') ?? '')?.[1];
      expect(traceId).toBeDefined();

      const trace = await poll(`the diagnosis of ${traceId}`, async () => {
        const response = await fetch(`${api}/api/traces/${traceId}`);
        if (response.status !== 200) return undefined;
        const body = (await response.json()) as TraceAnswer;
        const services = new Set(body.spans.map((span) => span.service));
        return body.diagnosis && services.has('gateway') && services.has('orders') ? body : undefined;
      });
      expect(trace.diagnosis).toMatchObject({ originService: 'orders', cause: 'exception' });
      expect(trace.diagnosis!.summary).toContain('inventory lookup failed');
      traceIds.push(traceId!);
    });
  }

  it('installs with pnpm too (a strict node_modules: every import must be a declared dependency)', async () => {
    const pnpmProject = tempDir('pnpm');
    try {
      writeProject(pnpmProject.path, { 'orders.cjs': SERVICE_FILES['orders.cjs'] });
      await sh('pnpm', ['add', tarballs.instrument, 'express@5'], { cwd: pnpmProject.path });
      // Instrumenting a service compiles nothing: no native add-on comes with @faultline/instrument.
      const installed = readdirSync(join(pnpmProject.path, 'node_modules/.pnpm'));
      expect(installed.filter((entry) => /^(better-sqlite3|node-gyp|prebuild-install)@/.test(entry))).toEqual(
        [],
      );
      const service = start(
        process.execPath,
        ['--require', '@faultline/instrument/register', 'orders.cjs'],
        pnpmProject.path,
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: otlpHttp,
          OTEL_BSP_SCHEDULE_DELAY: '100',
          OTEL_SERVICE_NAME: 'orders-pnpm',
        },
      );
      started.push(service);
      const [, port] = await service.waitFor(LISTENING);
      const answer = await fetch(`http://127.0.0.1:${port}/orders/broken`);
      expect(answer.status).toBe(500);
      const traceId = /^00-([0-9a-f]{32})-/.exec(answer.headers.get('traceresponse') ?? '')?.[1];
      const trace = await poll(`the diagnosis of ${traceId}`, async () => {
        const response = await fetch(`${api}/api/traces/${traceId}`);
        const body = response.status === 200 ? ((await response.json()) as TraceAnswer) : undefined;
        return body?.diagnosis ? body : undefined;
      });
      expect(trace.diagnosis).toMatchObject({ originService: 'orders-pnpm', cause: 'exception' });
      expect(service.output()).not.toMatch(/\[faultline\].*(cannot|could not|failed)/i);
    } finally {
      pnpmProject.dispose();
    }
  });

  it('shows the failing trace in Chromium with the origin marked and the cause in words', async () => {
    expect(traceIds.length).toBeGreaterThan(0);
    const browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    try {
      const page = await browser.newPage();
      await page.goto(`${api}/traces/${traceIds[0]}`);
      const origin = page.getByTestId('origin-span');
      await origin.waitFor({ timeout: 15_000 });
      expect(await origin.textContent()).toMatch(/origin/i);
      const verdict = await page.getByTestId('verdict').textContent();
      expect(verdict).toContain('orders');
      expect(verdict).toContain('unhandled exception');
    } finally {
      await browser.close();
    }
  });

  it('runs `npx @faultline/collector mcp` as an agent registers it: the SDK client lists its tools over stdio', async () => {
    expect(traceIds.length).toBeGreaterThan(0);
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(userEnv())) if (value !== undefined) env[key] = value;
    const transport = new StdioClientTransport({
      command: 'npx',
      args: ['@faultline/collector', 'mcp', '--url', api],
      cwd: project,
      env,
      stderr: 'pipe',
    });
    const client = new Client({ name: 'install-smoke', version: '1.0.0' });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name).sort()).toEqual([
        'compare_with_success',
        'diagnose_trace',
        'find_traces',
        'get_span',
        'incident_report',
        'list_failures',
        'what_differs',
      ]);
      const answer = (await client.callTool({
        name: 'diagnose_trace',
        arguments: { trace: traceIds[0] },
      })) as CallToolResult;
      expect(answer.isError).toBeFalsy();
      expect(answer.structuredContent).toMatchObject({
        verdict: { originService: 'orders', cause: 'exception' },
      });
    } finally {
      await client.close();
    }
  });

  it('starts with no flags exactly as the README says: UI 8318, OTLP 4318 and 4317, ./faultline.db', async () => {
    const plain = start('npx', ['@faultline/collector'], project, {});
    try {
      await plain.waitFor(/UI \+ API\s+http:\/\/127\.0\.0\.1:8318\//);
      expect(plain.output()).toMatch(/OTLP\/HTTP\s+http:\/\/127\.0\.0\.1:4318/);
      expect(plain.output()).toMatch(/OTLP\/gRPC\s+127\.0\.0\.1:4317/);
      expect(plain.output()).toContain(join(project, 'faultline.db'));
      expect((await fetch('http://127.0.0.1:8318/healthz')).status).toBe(200);
      expect((await fetch('http://127.0.0.1:8318/')).headers.get('content-type')).toContain('text/html');
      expect(existsSync(join(project, 'faultline.db'))).toBe(true);
    } finally {
      await plain.stop();
    }
  });
});

describe('npm i -g @faultline/collector, and the container recipe that runs the same install', () => {
  const root = tempDir('image');

  afterAll(() => root.dispose());

  it('installs the faultline command; the steps of the Dockerfile, run here, start it only with a token', {
    timeout: 1_500_000,
  }, async () => {
    const steps = dockerfileSteps(
      readFileSync(fileURLToPath(new URL('../../Dockerfile', import.meta.url)), 'utf8'),
    );
    expect(steps.from).toMatch(/^node:24-slim$/);
    expect(steps.user).toBe('node');
    const tarballInImage = steps.copies.get('faultline-collector.tgz')!;
    expect(steps.run[0]).toBe(`npm install --global --no-audit --no-fund ${tarballInImage}`);

    // Every RUN step as the image runs it, with the image's paths mapped into a folder of our own.
    // npm reads its global config (this machine's CA file, Node headers) from under its prefix, so a
    // prefix of our own keeps pointing at the machine's global config, as the image's npm uses its own.
    const prefix = join(root.path, 'usr-local');
    const globalConfig = (
      await sh('npm', ['config', 'get', 'globalconfig'], { cwd: root.path })
    ).stdout.trim();
    const data = join(root.path, 'data');
    const inImage = (text: string) =>
      text
        .replaceAll(tarballInImage, tarballs.collector)
        .replace(
          'npm install --global',
          `npm install --global --prefix ${prefix} --globalconfig ${globalConfig}`,
        )
        .replaceAll('node:node', `${process.getuid!()}:${process.getgid!()}`)
        .replaceAll('/data', data);
    for (const command of steps.run) await sh('sh', ['-c', inImage(command)], { cwd: root.path });

    const help = await sh(join(prefix, 'bin/faultline'), ['--help'], { cwd: root.path });
    expect(help.stdout).toContain('Usage: faultline');
    const mcpHelp = await sh(join(prefix, 'bin/faultline'), ['mcp', '--help'], { cwd: root.path });
    expect(mcpHelp.stdout).toContain('Usage: faultline mcp');

    const env: Record<string, string> = {
      PATH: `${join(prefix, 'bin')}:${userEnv()['PATH']}`,
      FAULTLINE_PORT: '0',
      FAULTLINE_OTLP_HTTP_PORT: '0',
      FAULTLINE_OTLP_GRPC_PORT: '0',
    };
    for (const [key, value] of Object.entries(steps.env)) env[key] = inImage(value);
    expect(env['FAULTLINE_HOST']).toBe('0.0.0.0');
    const [file, ...args] = steps.cmd;

    const refused = start(file!, args, data, env);
    expect(await refused.exited).toBe(2);
    expect(refused.output()).toContain('set FAULTLINE_TOKEN');

    const loopback = start(file!, args, data, { ...env, FAULTLINE_HOST: '127.0.0.1' });
    await loopback.waitFor(/UI \+ API\s+http:\/\/127\.0\.0\.1:\d+\//);
    await loopback.stop();

    const running = start(file!, args, data, { ...env, FAULTLINE_TOKEN: 'image-test-token' });
    try {
      const [, port] = await running.waitFor(/UI \+ API\s+http:\/\/0\.0\.0\.0:(\d+)\//);
      const [probe, ...probeArgs] = steps.healthcheck;
      await poll('the image health check', async () => {
        await sh(probe!, probeArgs, { cwd: data, env: userEnv({ FAULTLINE_PORT: port! }) });
        return true;
      });
      expect((await fetch(`http://127.0.0.1:${port}/api/traces`)).status).toBe(401);
      expect(existsSync(join(data, 'faultline.db'))).toBe(true);
    } finally {
      await running.stop();
    }
  });
});
