import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendHostileFailingRequest } from './helpers/hostile-trace.js';
import { markdownLines, tableCells, unprotectedText } from './helpers/markdown-structure.js';
import { type RunningCollector, startCollector } from './helpers/start-collector.js';

let running: RunningCollector;
let report: string;

/** Lines the report template itself starts; a line from data may start none of the others. */
const TEMPLATE_LINE =
  /^(|- |\| |\|---|# Incident: |## [A-Z][a-z ]+$|### Logs$|\d{3} originated in |This failure first |No version )/;

beforeAll(async () => {
  running = await startCollector({}, { diagnosisQuietMs: 100 });
  const { traceId } = await sendHostileFailingRequest(running.otlpHttpPort);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await running.collector.api.inject({ url: `/api/traces/${traceId}/report` });
    if (response.statusCode === 200) {
      report = response.body;
      break;
    }
    if (Date.now() > deadline) throw new Error(`no report: ${response.statusCode} ${response.body}`);
    await new Promise((r) => setTimeout(r, 100));
  }
});

afterAll(() => running.stop());

describe('incident report built from a trace with markdown payloads in every field', () => {
  it('carries the hostile values (the test exercises every section)', () => {
    for (const section of ['# Incident:', '## Origin and cause', '- Rule:', '### Logs', '## Failing path']) {
      expect(report).toContain(section);
    }
    expect(report.match(/heading/g)!.length).toBeGreaterThan(15);
  });

  it('starts no heading, list, quote, rule or code block from data', () => {
    const outside = markdownLines(report).filter((line) => !line.fenced);
    for (const { text } of outside) expect(text).toMatch(TEMPLATE_LINE);
    const headings = outside.filter(({ text }) => text.startsWith('#')).map(({ text }) => text.split(' ')[0]);
    expect(headings).toEqual(['#', '##', '##', '##', '###', '##', '##', '##', '##', '##']);
  });

  it('makes no link, image, autolink or HTML from data: outside code, every such character is escaped', () => {
    for (const { text } of markdownLines(report).filter((line) => !line.fenced)) {
      const bare = unprotectedText(text);
      expect(bare).not.toMatch(/[[\]<>`&_~$]|:\/\/|www\./);
      // Emphasis only where the template puts it (the cause label in bold).
      expect(bare.replace(/\*\*[^*]+\*\*/, '')).not.toContain('*');
    }
  });

  it('keeps every row of the failing-path table at five cells', () => {
    const rows = report.split('\n').filter((line) => line.startsWith('|'));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows) expect(tableCells(row)).toBe(5);
  });

  it('keeps the fenced replay command closed and says what it left out', () => {
    const lines = markdownLines(report);
    const open = lines.findIndex(({ text }) => /^`{3,}sh$/.test(text));
    expect(open).toBeGreaterThan(0);
    const closeAt = lines.findIndex((line, i) => i > open && /^`{3,}$/.test(line.text));
    expect(lines[closeAt + 1]?.fenced).toBe(false);
    expect(report).toContain('- Left out: the recorded method is not an HTTP method token');
  });
});
