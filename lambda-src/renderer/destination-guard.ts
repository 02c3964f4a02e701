// Refuses non-public destinations. The check runs inside the socket's DNS lookup (and on IP
// literals before any socket exists), so the address checked is the address connected to:
// no DNS-rebinding gap between a check and the connection.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import type { RendererConfig } from './config';
import { BlockedDestinationError } from './errors';

// Two lists: Node's BlockList also matches IPv4 addresses against IPv6 rules (as ::ffff:a.b.c.d),
// so a single list holding ::ffff:0:0/96 would refuse every IPv4 address.
const blockedIpv4 = new BlockList();
const blockedIpv6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 included
  ['10.0.0.0', 8], // RFC 1918
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, instance metadata 169.254.169.254 included
  ['172.16.0.0', 12], // RFC 1918
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // RFC 1918
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast included
] as const) {
  blockedIpv4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['::', 96], // IPv4-compatible (deprecated)
  ['::ffff:0:0', 96], // IPv4-mapped: would reach the IPv4 address behind it
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  blockedIpv6.addSubnet(network, prefix, 'ipv6');
}

/** True when the address is a public unicast address. */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) {
    return false;
  }
  if (family === 4) {
    return !blockedIpv4.check(address, 'ipv4');
  }
  if (blockedIpv6.check(address, 'ipv6')) {
    return false;
  }
  // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) embed an IPv4 address: judge that one.
  const embedded = embeddedIpv4(address);
  return embedded === undefined || !blockedIpv4.check(embedded, 'ipv4');
}

function embeddedIpv4(address: string): string | undefined {
  const groups = expandIpv6(address);
  const bytes = (high: number, low: number) => [Math.floor(high / 256), high % 256, Math.floor(low / 256), low % 256].join('.');
  if (groups[0] === 0x64 && groups[1] === 0xff9b && groups.slice(2, 6).every((group) => group === 0)) {
    return bytes(groups[6], groups[7]);
  }
  return groups[0] === 0x2002 ? bytes(groups[1], groups[2]) : undefined;
}

function expandIpv6(address: string): number[] {
  let text = address.toLowerCase().split('%')[0];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1].split('.').map(Number);
    text = text.slice(0, -dotted[1].length) + `${(a * 256 + b).toString(16)}:${(c * 256 + d).toString(16)}`;
  }
  const [head, tail] = text.split('::');
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const left = parse(head);
  const right = parse(tail);
  return tail === undefined ? left : [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
}

/** Refuses `address` unless it is public or private networks are allowed. */
export function assertAllowedAddress(address: string, host: string, config: RendererConfig): void {
  if (!config.allowPrivateNetworks && !isPublicAddress(address)) {
    throw new BlockedDestinationError(`${host} resolves to a non-public address (${address}); set ALLOW_PRIVATE_NETWORKS=true to allow it`);
  }
}

/** Refuses hosts outside ALLOWED_HOSTS (exact names, or `*.example.com` for subdomains). */
export function assertAllowedHost(host: string, config: RendererConfig): void {
  if (config.allowedHosts.length === 0) {
    return;
  }
  const name = host.toLowerCase().replace(/\.$/, '');
  const allowed = config.allowedHosts.some((entry) =>
    (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) && name.length > entry.length - 1 : name === entry));
  if (!allowed) {
    throw new BlockedDestinationError(`${host} is not in ALLOWED_HOSTS`);
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** A `dns.lookup` for net/tls.connect that fails the connection when any address is refused. */
export function guardedLookup(config: () => RendererConfig) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(error, []);
        return;
      }
      try {
        // Refuse if any address is non-public: the connection may try them all.
        for (const { address } of addresses) {
          assertAllowedAddress(address, hostname, config());
        }
      } catch (refusal) {
        callback(refusal as NodeJS.ErrnoException, []);
        return;
      }
      if (options.all) {
        callback(null, addresses);
      } else {
        callback(null, addresses[0].address, addresses[0].family);
      }
    });
  };
}
