import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOSTILE, sendHostileFailingRequest } from './helpers/hostile-trace.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '../bin/faultline.js');
const run = promisify(execFile);

let running: RunningCollector;
let traceId: string;

beforeAll(async () => {
  running = await startCollector({}, { diagnosisQuietMs: 100 });
  ({ traceId } = await sendHostileFailingRequest(running.otlpHttpPort));
  const deadline = Date.now() + 15_000;
  while ((await running.collector.api.inject({ url: `/api/traces/${traceId}/report` })).statusCode !== 200) {
    if (Date.now() > deadline) throw new Error('the trace was never diagnosed');
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(() => running.stop());

/** The terminal controls in a text: C0 but LF and TAB (ESC, BEL, CR…), DEL, and C1 (U+0080–U+009F). */
const terminalControls = (text: string): number[] =>
  [...text]
    .map((char) => char.codePointAt(0)!)
    .filter((code) => (code < 0x20 && code !== 0x0a && code !== 0x09) || (code >= 0x7f && code <= 0x9f));

describe('faultline report prints span data inert', () => {
  it('prints no terminal control sequence, whatever the spans held', async () => {
    expect(terminalControls(HOSTILE)).toEqual([0x0d, 0x1b, 0x07, 0x1b, 0x9b, 0x85, 0x0d]);
    const { stdout } = await run(
      process.execPath,
      [BIN, 'report', traceId, '--url', `http://127.0.0.1:${running.port}`],
      {
        encoding: 'buffer',
      },
    );
    // Raw bytes first: ESC (0x1b) and BEL (0x07) never occur inside a UTF-8 sequence.
    expect(stdout.includes(0x1b)).toBe(false);
    expect(stdout.includes(0x07)).toBe(false);
    const text = stdout.toString('utf8');
    expect(terminalControls(text)).toEqual([]);
    expect(text).toContain('# Incident: 500');
    // Shown, not obeyed: the OSC 52 clipboard write and the clear-screen are visible as text.
    expect(text).toContain('^[]52;c;ZXZpbA==^G^[[2J\\x9b31m\\x85');
    // Nor reorder what is displayed (Trojan Source).
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(text).toContain('<U+202E>gnp.exe');
  });
});
