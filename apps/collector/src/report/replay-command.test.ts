import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Attributes } from '@faultline/model';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSpan, newTraceId } from '../../test/helpers/make-span.js';
import { replayCommand, shellQuote } from './replay-command.js';

const replay = (attributes: Attributes) => replayCommand(makeSpan({ traceId: newTraceId(), attributes }));

describe('replayCommand', () => {
  it('replays method, URL and recorded headers, never credentials', () => {
    const command = replay({
      'http.request.method': 'POST',
      'url.full': 'http://gateway:8320/api/checkout?cart=7',
      'http.request.header.content-type': ['application/json'],
      'http.request.header.cookie': ['session=abc'],
      'http.request.header.authorization': ['Bearer secret'],
    })!.command;
    expect(command).toBe(
      "curl -i -X POST 'http://gateway:8320/api/checkout?cart=7' -H 'content-type: application/json'",
    );
    expect(command).not.toMatch(/session|secret/);
  });

  it('rebuilds the URL from path, query, host and port when no full URL was recorded', () => {
    const result = replay({
      'url.path': '/orders/17',
      'url.query': 'x=1',
      'server.address': 'orders',
      'server.port': 8321,
    });
    expect(result?.command).toBe("curl -i -X GET 'http://orders:8321/orders/17?x=1'");
  });

  it('quotes shell metacharacters so a hostile URL cannot run anything', () => {
    expect(shellQuote("a'; rm -rf / #")).toBe("'a'\\''; rm -rf / #'");
  });

  it('leaves out a method that is not an HTTP token, and headers that are not valid HTTP, and says so', () => {
    const result = replay({
      'http.request.method': 'GET $(touch x)',
      'url.full': 'http://a/',
      'http.request.header.x y': ['1'],
      'http.request.header.x-split': ['1\r\nInjected: 2'],
    })!;
    expect(result.argv).toEqual(['-i', 'http://a/']);
    expect(result.omitted).toEqual([
      'the recorded method is not an HTTP method token; curl will send GET',
      'a recorded header whose name is not an HTTP token',
      'header x-split: its value holds control characters',
    ]);
  });
});

/**
 * The command is pasted into a shell: run it in real shells with `curl` replaced by a script that
 * records the argv it receives, and check that nothing else ran and curl got exactly the intended values.
 */
describe('replayCommand URLs', () => {
  it('gives no command for a URL curl would not read as http(s): another scheme, or an option', () => {
    for (const url of ['-o/tmp/x', 'file:///etc/passwd', 'gopher://h/_x', ' http://h/', 'h/p']) {
      expect(replay({ 'url.full': url })).toEqual({
        command: null,
        argv: [],
        omitted: ['the whole command: the recorded URL is not http or https'],
      });
    }
    expect(replay({ 'url.path': '/p', 'url.scheme': 'file' })?.command).toBeNull();
    expect(replay({ 'url.full': 'HTTPS://h/' })?.command).toBe("curl -i -X GET 'HTTPS://h/'");
  });

  it('never replays the user and password of a URL', () => {
    const result = replay({ 'url.full': 'https://alice:s3cr%40t@h:8443/p?q=a@b' })!;
    expect(result.argv).toEqual(['-i', '-X', 'GET', 'https://h:8443/p?q=a@b']);
    expect(result.omitted).toEqual(['the user and password in the URL']);
  });
});

describe('replayCommand run in a shell', () => {
  const dir = mkdtempSync(join(tmpdir(), 'faultline-replay-'));
  const bin = join(dir, 'bin');
  const argvFile = join(dir, 'argv');
  const pwned = join(dir, 'pwned');
  mkdirSync(bin);
  writeFileSync(join(bin, 'curl'), `#!/bin/sh\nprintf '%s\\0' "$@" > '${argvFile}'\n`);
  chmodSync(join(bin, 'curl'), 0o755);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const touch = `touch ${pwned}`;
  /** Shell payloads: command substitution, backticks, quote breaking, separators, newlines, redirection. */
  const payloads = [
    `$(${touch})`,
    `\`${touch}\``,
    `'; ${touch}; '`,
    `"; ${touch}; "`,
    `\n${touch}\n`,
    `\r${touch}`,
    `&& ${touch} ||`,
    `| ${touch}`,
    `> ${pwned}`,
    `\\'$(${touch})`,
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell payload, not a template
    '${IFS}$HOME!!',
  ];
  /** A method that is a valid RFC 9110 token yet full of shell syntax: kept, but quoted. */
  const tokenMethod = "`touch`$HOME|'&~*!";

  function runIn(shell: 'bash' | 'sh', command: string): string[] {
    rmSync(argvFile, { force: true });
    execFileSync(shell, ['-c', command], {
      cwd: dir,
      env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir },
      stdio: 'ignore',
    });
    const recorded = readFileSync(argvFile, 'latin1');
    return recorded.split('\0').slice(0, -1);
  }

  const cases: { name: string; attributes: Attributes; expected: (url: string) => string[] }[] = payloads.map(
    (payload) => ({
      name: JSON.stringify(payload),
      attributes: {
        'http.request.method': `GET ${payload}`,
        'url.full': `http://h/p?q=${payload}[1-3]{a,b}`,
        [`http.request.header.x-${payload}`]: ['1'],
        'http.request.header.x-evil': [`v${payload}`],
        'http.request.header.x-list': ['a', payload],
      },
      expected: (url) => {
        const headers = /[\n\r]/.test(payload)
          ? []
          : ['-H', `x-evil: v${payload}`, '-H', `x-list: a, ${payload}`];
        return ['-i', '--globoff', url, ...headers];
      },
    }),
  );
  cases.push({
    name: 'a token method full of shell syntax',
    attributes: { 'http.request.method': tokenMethod, 'url.full': 'http://h/' },
    expected: (url) => ['-i', '-X', tokenMethod, url],
  });
  for (const shell of ['bash', 'sh'] as const) {
    for (const c of cases) {
      it(`${shell}: ${c.name} runs nothing and curl receives the intended values`, () => {
        const result = replayCommand(makeSpan({ traceId: newTraceId(), attributes: c.attributes }))!;
        const url = result.argv.find((arg) => arg.startsWith('http://h/'))!;
        // What the URL holds is the recorded one, with what may not appear raw percent-encoded.
        expect(decodeURIComponent(url)).toBe(String(c.attributes['url.full']));
        expect(url).toMatch(/^[\x21-\x7e]+$/);
        expect(runIn(shell, result.command!)).toEqual(c.expected(url));
        expect(result.argv).toEqual(c.expected(url));
        expect(readdirSync(dir).sort()).toEqual(['argv', 'bin']);
      });
    }
  }
});
