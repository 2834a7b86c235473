import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { PelbiotError } from "@pelbiot/core";

/**
 * Why an address is refused as a webhook destination: it reaches this machine, the local network, the cloud
 * provider's instance metadata or an address range that is never a public web server.
 */
export type BlockedAddressReason =
  | "this-network"
  | "loopback"
  | "private"
  | "cgnat"
  | "link-local"
  | "cloud-metadata"
  | "unique-local"
  | "multicast"
  | "documentation"
  | "reserved"
  | "nat64-local"
  | "teredo";

/**
 * Options of the SSRF guard, which checks an endpoint's address when it is registered (IP literals) and again on
 * every delivery, after DNS resolution, so a hostname that later resolves to a blocked network is still refused.
 */
export interface SsrfGuardOptions {
  /**
   * Turns the address check off, so endpoints may point at any network (local development only).
   * @default false
   */
  allowPrivateNetworks?: boolean | undefined;
  /**
   * Hostnames or IP literals (lowercase, IPv6 without brackets) that may resolve to blocked addresses, e.g.
   * `["127.0.0.1", "localhost"]` for tests against a local server.
   * @default []
   */
  allowedHosts?: readonly string[] | undefined;
}

/** An address a hostname resolved to, as `dns.lookup` reports it. */
export interface ResolvedAddress {
  /** The IP address. */
  address: string;
  /** 4 or 6. */
  family: 4 | 6;
}

/** Resolves a hostname to every address, as `dns.promises.lookup(hostname, { all: true })` does. */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

function createList(subnets: ReadonlyArray<readonly [string, number]>, family: "ipv4" | "ipv6"): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, family);
  return list;
}

// Order matters: the first matching class names the reason, so the metadata hosts come before their wider ranges.
const IPV4_CLASSES: ReadonlyArray<readonly [BlockedAddressReason, BlockList]> = [
  [
    "cloud-metadata",
    createList(
      [
        ["169.254.169.254", 32],
        ["169.254.170.2", 32],
        ["100.100.100.200", 32],
      ],
      "ipv4",
    ),
  ],
  ["this-network", createList([["0.0.0.0", 8]], "ipv4")],
  ["loopback", createList([["127.0.0.0", 8]], "ipv4")],
  [
    "private",
    createList(
      [
        ["10.0.0.0", 8],
        ["172.16.0.0", 12],
        ["192.168.0.0", 16],
      ],
      "ipv4",
    ),
  ],
  ["cgnat", createList([["100.64.0.0", 10]], "ipv4")],
  ["link-local", createList([["169.254.0.0", 16]], "ipv4")],
  ["multicast", createList([["224.0.0.0", 4]], "ipv4")],
  [
    "documentation",
    createList(
      [
        ["192.0.2.0", 24],
        ["198.51.100.0", 24],
        ["203.0.113.0", 24],
      ],
      "ipv4",
    ),
  ],
  [
    "reserved",
    createList(
      [
        ["192.0.0.0", 24],
        ["198.18.0.0", 15],
        ["240.0.0.0", 4],
      ],
      "ipv4",
    ),
  ],
];

const IPV6_CLASSES: ReadonlyArray<readonly [BlockedAddressReason, BlockList]> = [
  ["cloud-metadata", createList([["fd00:ec2::254", 128]], "ipv6")],
  ["this-network", createList([["::", 128]], "ipv6")],
  ["loopback", createList([["::1", 128]], "ipv6")],
  ["link-local", createList([["fe80::", 10]], "ipv6")],
  // fec0::/10 is the deprecated site-local range: private by definition.
  ["private", createList([["fec0::", 10]], "ipv6")],
  ["unique-local", createList([["fc00::", 7]], "ipv6")],
  ["multicast", createList([["ff00::", 8]], "ipv6")],
  [
    "documentation",
    createList(
      [
        ["2001:db8::", 32],
        ["3fff::", 20],
      ],
      "ipv6",
    ),
  ],
  // The local-use NAT64 prefix may embed an IPv4 address at any of several offsets, so it is refused whole.
  ["nat64-local", createList([["64:ff9b:1::", 48]], "ipv6")],
  // Teredo hides an obfuscated client IPv4 address; no webhook receiver needs it.
  ["teredo", createList([["2001::", 32]], "ipv6")],
  ["reserved", createList([["100::", 64]], "ipv6")],
];

/** Expands an IPv6 address (any valid textual form) into its eight 16-bit groups. */
function ipv6Groups(address: string): number[] {
  // The URL parser canonicalises IPv6 (lowercase, embedded dotted quads turned into hex), leaving only `::` to expand.
  const canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const [head = "", tail] = canonical.split("::");
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const zeros = tail === undefined ? [] : new Array<string>(8 - headGroups.length - tailGroups.length).fill("0");
  return [...headGroups, ...zeros, ...tailGroups].map((group) => Number.parseInt(group, 16));
}

function groupsToIpv4(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/** The IPv4 address an IPv6 address carries in a translation or tunnelling form, when it has one. */
function embeddedIpv4(groups: readonly number[]): string | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (the deprecated IPv4-compatible form, :: and ::1 excluded).
  if (firstFiveZero && (g5 === 0xffff || (g5 === 0 && (g6 !== 0 || g7 > 1)))) return groupsToIpv4(g6, g7);
  // ::ffff:0:a.b.c.d (SIIT IPv4-translated).
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) return groupsToIpv4(g6, g7);
  // 64:ff9b::a.b.c.d (well-known NAT64 prefix).
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return groupsToIpv4(g6, g7);
  // 2002:AABB:CCDD::/48 (6to4) carries the IPv4 address in groups 1 and 2.
  if (g0 === 0x2002) return groupsToIpv4(g1, g2);
  return undefined;
}

function classifyIpv4(address: string): BlockedAddressReason | undefined {
  for (const [reason, list] of IPV4_CLASSES) if (list.check(address, "ipv4")) return reason;
  return undefined;
}

/**
 * Tells whether an IP address must not receive webhooks, and why: loopback, private, link-local, CGNAT, unique-local,
 * `0.0.0.0/8`, multicast, documentation and reserved ranges, cloud metadata endpoints, and IPv4 addresses hidden in
 * IPv6 (`::ffff:` mapped, IPv4-compatible, SIIT, NAT64 `64:ff9b::/96`, 6to4), plus local-use NAT64 and Teredo.
 *
 * @param address - An IPv4 or IPv6 address (an IPv6 zone id such as `%eth0` is ignored).
 * @returns The reason it is blocked, or `undefined` for a public unicast address.
 * @throws {PelbiotError} VALIDATION_ERROR when `address` is not an IP address.
 * @example
 * ```ts
 * classifyAddress("169.254.169.254"); // "cloud-metadata"
 * classifyAddress("::ffff:10.0.0.1"); // "private"
 * classifyAddress("93.184.216.34"); // undefined
 * ```
 */
export function classifyAddress(address: string): BlockedAddressReason | undefined {
  const bare = typeof address === "string" ? address.replace(/%.*$/, "") : "";
  const family = isIP(bare);
  if (family === 4) return classifyIpv4(bare);
  if (family !== 6) {
    throw new PelbiotError("VALIDATION_ERROR", `classifyAddress: ${JSON.stringify(address)} is not an IP address.`);
  }
  const groups = ipv6Groups(bare);
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined) return classifyIpv4(embedded);
  const canonical = groups.map((group) => group.toString(16)).join(":");
  for (const [reason, list] of IPV6_CLASSES) if (list.check(canonical, "ipv6")) return reason;
  return undefined;
}

/**
 * The hostname of a URL as the guard compares it: lowercase, IPv6 literals without brackets.
 *
 * @param url - A parsed URL.
 * @returns The normalised hostname.
 * @example
 * ```ts
 * normaliseHostname(new URL("http://[::1]:8080/")); // "::1"
 * ```
 */
export function normaliseHostname(url: URL): string {
  const hostname = url.hostname.toLowerCase();
  return hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
}

function isAllowedHost(hostname: string, options: SsrfGuardOptions): boolean {
  return options.allowPrivateNetworks === true || (options.allowedHosts ?? []).includes(hostname);
}

function blockedError(hostname: string, address: string, reason: BlockedAddressReason): PelbiotError {
  return new PelbiotError(
    "VALIDATION_ERROR",
    `Webhook destination ${JSON.stringify(hostname)} resolves to ${address}, a ${reason} address; webhooks may only ` +
      "reach public addresses. For local development pass allowedHosts or allowPrivateNetworks.",
    { details: { reason: "ssrf_blocked", addressClass: reason, hostname, address } },
  );
}

/**
 * Checks a URL whose host is an IP literal without resolving anything, so a registration that targets a blocked
 * address fails at once. Hostnames pass here and are checked on every delivery by {@link resolveDeliveryAddress}.
 *
 * @param url - The endpoint URL.
 * @param options - The allowlist.
 * @returns Nothing.
 * @throws {PelbiotError} VALIDATION_ERROR when the host is a blocked IP literal.
 * @example
 * ```ts
 * checkDeliveryAddress(new URL("http://127.0.0.1/hook"), {}); // throws VALIDATION_ERROR
 * ```
 */
export function checkDeliveryAddress(url: URL, options: SsrfGuardOptions): void {
  const hostname = normaliseHostname(url);
  if (isIP(hostname) === 0 || isAllowedHost(hostname, options)) return;
  const reason = classifyAddress(hostname);
  if (reason !== undefined) throw blockedError(hostname, hostname, reason);
}

const systemResolver: HostResolver = async (hostname) => {
  const results = await dnsLookup(hostname, { all: true, verbatim: true });
  return results.map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));
};

/**
 * Resolves a delivery URL's host and picks the address to connect to: the first resolved address that is not
 * blocked (see {@link classifyAddress}). The caller connects to exactly that address, so a second DNS answer cannot
 * swap in an internal one (DNS rebinding).
 *
 * @param url - The endpoint URL.
 * @param options - The allowlist, and `resolve` to replace the system resolver (tests).
 * @returns The vetted address.
 * @throws {PelbiotError} VALIDATION_ERROR (`details.reason` `"ssrf_blocked"`) when every address is blocked;
 * PROVIDER_ERROR when the name does not resolve.
 * @example
 * ```ts
 * const { address, family } = await resolveDeliveryAddress(new URL(endpoint.url), { allowedHosts: [] });
 * ```
 */
export async function resolveDeliveryAddress(
  url: URL,
  options: SsrfGuardOptions & { resolve?: HostResolver | undefined },
): Promise<ResolvedAddress> {
  const { resolve = systemResolver } = options;
  const hostname = normaliseHostname(url);
  const literal = isIP(hostname);
  if (literal !== 0) {
    checkDeliveryAddress(url, options);
    return { address: hostname, family: literal === 6 ? 6 : 4 };
  }
  let addresses: ResolvedAddress[];
  try {
    addresses = await resolve(hostname);
  } catch (error) {
    throw new PelbiotError("PROVIDER_ERROR", `Could not resolve webhook host ${JSON.stringify(hostname)}.`, {
      cause: error,
      details: { hostname },
    });
  }
  const [first] = addresses;
  if (first === undefined) {
    throw new PelbiotError("PROVIDER_ERROR", `Webhook host ${JSON.stringify(hostname)} resolved to no address.`, {
      details: { hostname },
    });
  }
  if (isAllowedHost(hostname, options)) return first;
  const allowed = addresses.find(({ address }) => classifyAddress(address) === undefined);
  if (allowed !== undefined) return allowed;
  throw blockedError(hostname, first.address, classifyAddress(first.address) as BlockedAddressReason);
}
