// The outbound policy (DESIGN.md, "Outbound calls"): which URLs and which resolved addresses an
// outbound call may reach. Pure decisions, no I/O: the fetcher (outbound-http.ts) asks them
// before it sends (the URL) and inside its DNS lookup (every address a name resolves to), so
// what is checked is what is connected to.
//
// `https` to public addresses only. Private, loopback, link-local, metadata, unspecified, CGNAT,
// IPv6 unique-local, IPv4-mapped and other non-global addresses are refused unless
// OUTBOUND_ALLOWLIST names them (a hostname, an IP or a CIDR); an allowlisted host may also
// use plain http (the demo, the tests and the bench talk to simulators on loopback).
import { BlockList, isIP } from 'node:net';

/** Largest upstream answer (one page) read by default. */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

export interface OutboundPolicy {
  /** Lower-case hostnames, exactly as they appear in URLs (no wildcards). */
  readonly names: ReadonlySet<string>;
  readonly addresses: BlockList;
  /** The entries as given, for messages. */
  readonly entries: readonly string[];
}

type Range = readonly [network: string, prefix: number, what: string];

// Checked in order: the first match names the reason.
const V4_REFUSED: readonly Range[] = [
  ['0.0.0.0', 8, 'an unspecified address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a shared (CGNAT) address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local (cloud metadata) address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'a reserved address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.88.99.0', 24, 'a reserved address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];

const V6_REFUSED: readonly Range[] = [
  ['::', 128, 'an unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['::ffff:0:0', 96, 'an IPv4-mapped address'],
  ['::', 8, 'a reserved address'],
  ['64:ff9b::', 96, 'a NAT64 address'],
  ['64:ff9b:1::', 48, 'a NAT64 address'],
  ['100::', 64, 'a discard address'],
  ['2001::', 32, 'a Teredo address'],
  ['2001:db8::', 32, 'a documentation address'],
  ['2002::', 16, 'a 6to4 address'],
  ['fc00::', 7, 'a unique-local (private) address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
];

function rangeLists(ranges: readonly Range[], type: 'ipv4' | 'ipv6'): Array<{ list: BlockList; what: string }> {
  return ranges.map(([network, prefix, what]) => {
    const list = new BlockList();
    list.addSubnet(network, prefix, type);
    return { list, what };
  });
}

const REFUSED = { ipv4: rangeLists(V4_REFUSED, 'ipv4'), ipv6: rangeLists(V6_REFUSED, 'ipv6') };
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6');

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

/** `[::1]` → `::1`, `Example.COM.` → `example.com`. */
export function normalizeHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

/** OUTBOUND_ALLOWLIST parsed; `problems` names each entry that is no hostname, IP or CIDR. */
export function parseAllowlist(raw: string | undefined): { policy: OutboundPolicy; problems: string[] } {
  const entries = (raw ?? '').split(',').map((e) => e.trim()).filter(Boolean);
  const names = new Set<string>();
  const addresses = new BlockList();
  const problems: string[] = [];
  for (const entry of entries) {
    const [network, prefix, extra] = entry.split('/');
    const family = isIP(normalizeHost(network));
    if (prefix !== undefined) {
      const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
      if (!family || extra !== undefined || !(bits >= 0 && bits <= (family === 4 ? 32 : 128))) {
        problems.push(`OUTBOUND_ALLOWLIST: "${entry}" is not a valid CIDR (e.g. 10.0.0.0/8 or fd00::/8)`);
      } else {
        addresses.addSubnet(normalizeHost(network), bits, family === 4 ? 'ipv4' : 'ipv6');
      }
    } else if (family) {
      addresses.addAddress(normalizeHost(entry), family === 4 ? 'ipv4' : 'ipv6');
    } else if (HOSTNAME.test(normalizeHost(entry))) {
      names.add(normalizeHost(entry));
    } else {
      problems.push(`OUTBOUND_ALLOWLIST: "${entry}" is not a hostname, an IP address or a CIDR`);
    }
  }
  return { policy: { names, addresses, entries }, problems };
}

export const STRICT_POLICY: OutboundPolicy = parseAllowlist('').policy;

function allowlistedAddress(address: string, family: 4 | 6, policy: OutboundPolicy): boolean {
  return policy.addresses.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * Why an address may not be connected to, or null when it may. `viaAllowlistedName`: the
 * address came from resolving a hostname OUTBOUND_ALLOWLIST names (that name may reach it).
 */
export function refusalForAddress(address: string, policy: OutboundPolicy, viaAllowlistedName = false): string | null {
  const ip = normalizeHost(address);
  const family = isIP(ip);
  if (family !== 4 && family !== 6) return 'not an IP address';
  if (viaAllowlistedName || allowlistedAddress(ip, family, policy)) return null;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  for (const { list, what } of REFUSED[type]) if (list.check(ip, type)) return `${what}, which OUTBOUND_ALLOWLIST does not name`;
  if (family === 6 && !GLOBAL_UNICAST_V6.check(ip, 'ipv6')) return 'not a global unicast address, which OUTBOUND_ALLOWLIST does not name';
  return null;
}

/** The host part is allowlisted (by name, or an IP literal in an allowlisted range). */
export function isAllowlistedHost(host: string, policy: OutboundPolicy): boolean {
  const h = normalizeHost(host);
  const family = isIP(h);
  return family ? allowlistedAddress(h, family as 4 | 6, policy) : policy.names.has(h);
}

/**
 * Why a URL may not be fetched (before any DNS lookup), or null. Names are checked again on
 * the addresses they resolve to (refusalForAddress).
 */
export function refusalForUrl(target: URL | string, policy: OutboundPolicy): string | null {
  let url: URL;
  try {
    url = typeof target === 'string' ? new URL(target) : target;
  } catch {
    return 'it is not a valid URL';
  }
  if (url.username || url.password) return 'it contains credentials';
  const host = normalizeHost(url.hostname);
  if (!host) return 'it has no host';
  if (url.protocol === 'http:') {
    if (!isAllowlistedHost(host, policy)) return 'only https is allowed for hosts that OUTBOUND_ALLOWLIST does not name';
  } else if (url.protocol !== 'https:') {
    return `the scheme ${url.protocol.replace(/:$/, '')} is not allowed (https only)`;
  }
  return isIP(host) ? refusalForAddress(host, policy) : null;
}
