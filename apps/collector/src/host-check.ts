import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { hostNotAllowed } from './errors.js';

/**
 * DNS rebinding: a page on `http://evil.example:8318` whose name the attacker re-points at 127.0.0.1
 * is same-origin with the collector as far as the browser knows, so it may read `/api/traces`. The
 * browser still sends `Host: evil.example:8318`; refusing names we were not told about stops it.
 *
 * Which names pass, as Vite's `server.allowedHosts` decides:
 * - `localhost` and `*.localhost` (browsers resolve these to loopback themselves, never via DNS);
 * - loopback addresses (`127.0.0.0/8`, `[::1]`, `::ffff:127.x.y.z`). Other IP literals could not be
 *   rebound either, but the contract admits only loopback and the configured names: a collector
 *   reached at a LAN address is told so by `--host` or `--allowed-hosts`, and the refusal names the
 *   flag to add;
 * - the `--host` name, `--public-url`'s host, and `--allowed-hosts` (a leading dot admits a domain
 *   and every subdomain, `.example.com`).
 * A request without a Host (HTTP/1.0) comes from no browser and passes.
 */
export class HostAllowlist {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];

  /** `names` as given to `--allowed-hosts`, plus the `--host` address and the public URL's host. */
  constructor(names: readonly string[]) {
    for (const raw of names) {
      const name = normalise(raw);
      if (name === '') continue;
      if (name.startsWith('.')) this.suffixes.push(name);
      else this.exact.add(name);
    }
  }

  /** True if a request carrying this `Host` header value (or `:authority`) may be answered. */
  allows(hostHeader: string | undefined): boolean {
    if (hostHeader === undefined) return true;
    const hostname = hostnameOf(hostHeader);
    if (hostname === undefined) return false;
    if (isIP(hostname) !== 0) return isLoopbackAddress(hostname) || this.exact.has(hostname);
    if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
    if (this.exact.has(hostname)) return true;
    return this.suffixes.some((suffix) => hostname === suffix.slice(1) || hostname.endsWith(suffix));
  }
}

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (`::ffff:127.0.0.1`). */
function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || (isIP(v4) === 4 && v4.startsWith('127.'));
}

/** Lower case, no trailing dot (`Localhost.` and `localhost` are one name), no brackets or port. */
function normalise(name: string): string {
  const trimmed = name.trim().toLowerCase();
  const bare = trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
  return bare.endsWith('.') ? bare.slice(0, -1) : bare;
}

/**
 * The name in a Host value: `name`, `name:port`, `[v6]` or `[v6]:port`; undefined when it is none of
 * these (a bare IPv6 address without brackets is not a valid Host either).
 */
export function hostnameOf(hostHeader: string): string | undefined {
  const value = hostHeader.trim().toLowerCase();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    if (end < 0) return undefined;
    const rest = value.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return undefined;
    const address = value.slice(1, end);
    return isIP(address) === 6 ? address : undefined;
  }
  const match = /^([a-z0-9_.-]+)(?::\d{1,5})?$/.exec(value);
  if (!match) return undefined;
  return normalise(match[1]!);
}

/** The host of a URL, for `--public-url`; undefined if it does not parse. */
export function urlHost(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}

/**
 * Refuses, before anything else runs, a request whose Host is not allowed. An absolute-form target
 * (`GET http://name/path`) names its host in the URL, which takes precedence over the Host header
 * (RFC 9112 §3.2.2), so that name must pass as well.
 */
export function installHostCheck(app: FastifyInstance, allowlist: HostAllowlist): void {
  app.addHook('onRequest', async (request) => {
    const host = request.headers.host;
    const target = request.raw.url ?? '/';
    const absolute = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(target);
    const authority = absolute ? absolute[1]!.replace(/^.*@/, '') : undefined;
    for (const name of [host, authority]) {
      if (!allowlist.allows(name)) {
        const shown = (name ?? '').slice(0, 100);
        throw hostNotAllowed(
          `Host "${shown}" is not allowed (DNS rebinding defence). If you reach the collector by this ` +
            `name, start it with --allowed-hosts ${hostnameOf(shown) ?? '<name>'}`,
        );
      }
    }
  });
}
