import { describe, expect, it } from 'vitest';
import { HostAllowlist, hostnameOf } from './host-check.js';

const allowlist = new HostAllowlist([
  '0.0.0.0',
  '10.1.2.3',
  'faultline.internal',
  'Traces.Example.org.',
  '.corp.example',
]);

describe('HostAllowlist', () => {
  it.each([
    'localhost',
    'LOCALHOST:8318',
    'localhost.',
    'ui.localhost:8318',
    '127.0.0.1',
    '127.0.0.1:8318',
    '127.9.8.7:4318',
    '[::1]',
    '[::1]:8318',
    '[::ffff:127.0.0.1]:8318',
    // An address named by --host or --allowed-hosts.
    '10.1.2.3:8318',
    'faultline.internal:4318',
    'traces.example.org',
    'corp.example',
    'ui.corp.example:8318',
  ])('answers Host %s', (host) => {
    expect(allowlist.allows(host)).toBe(true);
  });

  it.each([
    'evil.example',
    'evil.example:8318',
    // Addresses nobody configured: the contract admits loopback and the configured names only.
    '192.168.1.20:8318',
    '[fe80::1]:8318',
    '10.1.2.4',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
    'faultline.internal.evil.example',
    'evilcorp.example',
    'corp.example.evil',
    '::1',
    '[::1',
    '[127.0.0.1]',
    '',
    'local host',
    'localhost:80:80',
    'localhost@evil.example',
  ])('refuses Host %j', (host) => {
    expect(allowlist.allows(host)).toBe(false);
  });

  it('lets a request without a Host through (HTTP/1.0: no browser sends one)', () => {
    expect(allowlist.allows(undefined)).toBe(true);
  });

  it('finds the name in each form a Host takes', () => {
    expect(hostnameOf('Example.COM.:80')).toBe('example.com');
    expect(hostnameOf('[::1]:8318')).toBe('::1');
    expect(hostnameOf('[::1]x')).toBeUndefined();
  });
});
