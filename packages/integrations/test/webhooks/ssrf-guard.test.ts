import { PelbiotError } from "@pelbiot/core";
import { describe, expect, it } from "vitest";
import {
  type BlockedAddressReason,
  checkDeliveryAddress,
  classifyAddress,
  resolveDeliveryAddress,
} from "../../src/webhooks/ssrf-guard";

// Every class of address the guard refuses, with edge addresses on both sides of each range.
const BLOCKED: ReadonlyArray<readonly [string, BlockedAddressReason]> = [
  ["0.0.0.0", "this-network"],
  ["0.255.255.255", "this-network"],
  ["127.0.0.1", "loopback"],
  ["127.255.255.254", "loopback"],
  ["10.0.0.0", "private"],
  ["10.255.255.255", "private"],
  ["172.16.0.1", "private"],
  ["172.31.255.255", "private"],
  ["192.168.0.1", "private"],
  ["192.168.255.255", "private"],
  ["100.64.0.1", "cgnat"],
  ["100.127.255.255", "cgnat"],
  ["169.254.0.1", "link-local"],
  ["169.254.255.255", "link-local"],
  ["169.254.169.254", "cloud-metadata"],
  ["169.254.170.2", "cloud-metadata"],
  ["100.100.100.200", "cloud-metadata"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.255", "multicast"],
  ["192.0.2.1", "documentation"],
  ["198.51.100.1", "documentation"],
  ["203.0.113.1", "documentation"],
  ["192.0.0.8", "reserved"],
  ["198.18.0.1", "reserved"],
  ["240.0.0.1", "reserved"],
  ["255.255.255.255", "reserved"],
  ["::", "this-network"],
  ["::1", "loopback"],
  ["0:0:0:0:0:0:0:1", "loopback"],
  ["fe80::1", "link-local"],
  ["febf:ffff::1", "link-local"],
  ["fe80::1%eth0", "link-local"],
  ["fec0::1", "private"],
  ["fc00::1", "unique-local"],
  ["fdff:ffff::1", "unique-local"],
  ["fd00:ec2::254", "cloud-metadata"],
  ["ff02::1", "multicast"],
  ["2001:db8::1", "documentation"],
  ["100::1", "reserved"],
  // IPv4 hidden inside IPv6.
  ["::ffff:127.0.0.1", "loopback"],
  ["::ffff:7f00:1", "loopback"],
  ["::FFFF:10.0.0.1", "private"],
  ["::ffff:169.254.169.254", "cloud-metadata"],
  ["::ffff:100.64.0.1", "cgnat"],
  ["::ffff:0:192.168.1.1", "private"],
  ["::127.0.0.1", "loopback"],
  ["64:ff9b::127.0.0.1", "loopback"],
  ["64:ff9b::a9fe:a9fe", "cloud-metadata"],
  ["64:ff9b::10.1.2.3", "private"],
  ["64:ff9b:1::a00:1", "nat64-local"],
  ["2002:7f00:1::1", "loopback"],
  ["2002:c0a8:101::1", "private"],
  ["2001:0:4136:e378::1", "teredo"],
];

const PUBLIC = [
  "8.8.8.8",
  "1.1.1.1",
  "93.184.216.34",
  "172.15.255.255",
  "172.32.0.0",
  "100.63.255.255",
  "100.128.0.0",
  "169.253.255.255",
  "223.255.255.255",
  "11.0.0.1",
  "2606:4700:4700::1111",
  "2a00:1450:4001::200e",
  "::ffff:8.8.8.8",
  "64:ff9b::808:808",
  "2002:808:808::1",
  "fbff:ffff::1",
];

function blockedReason(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    if (PelbiotError.is(error, "VALIDATION_ERROR")) return error.details?.addressClass;
    throw error;
  }
  return undefined;
}

describe("classifyAddress", () => {
  it.each(BLOCKED)("blocks %s as %s", (address, reason) => {
    expect(classifyAddress(address)).toBe(reason);
  });

  it.each(PUBLIC)("lets the public address %s through", (address) => {
    expect(classifyAddress(address)).toBeUndefined();
  });

  it("rejects what is not an IP address", () => {
    for (const value of ["localhost", "", "1.2.3", "::g"]) {
      expect(() => classifyAddress(value)).toThrow(/not an IP address/);
    }
  });
});

describe("checkDeliveryAddress (IP literals in URLs)", () => {
  it("catches the alternative IPv4 spellings the URL parser normalises", () => {
    for (const url of [
      "http://2130706433/",
      "http://0x7f.0.0.1/",
      "http://0177.0.0.1/",
      "http://127.1/",
      "http://[::ffff:127.0.0.1]/",
      "http://[::1]:8080/",
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/",
    ]) {
      expect(
        blockedReason(() => checkDeliveryAddress(new URL(url), {})),
        url,
      ).toBeDefined();
    }
  });

  it("lets hostnames pass (they are checked at delivery) and honours the allowlist", () => {
    expect(blockedReason(() => checkDeliveryAddress(new URL("https://hooks.example.com/"), {}))).toBeUndefined();
    expect(
      blockedReason(() => checkDeliveryAddress(new URL("http://127.0.0.1/"), { allowedHosts: ["127.0.0.1"] })),
    ).toBeUndefined();
    expect(
      blockedReason(() => checkDeliveryAddress(new URL("http://[::1]/"), { allowedHosts: ["::1"] })),
    ).toBeUndefined();
    expect(
      blockedReason(() => checkDeliveryAddress(new URL("http://10.0.0.1/"), { allowPrivateNetworks: true })),
    ).toBeUndefined();
    expect(
      blockedReason(() => checkDeliveryAddress(new URL("http://10.0.0.1/"), { allowedHosts: ["127.0.0.1"] })),
    ).toBe("private");
  });
});

describe("resolveDeliveryAddress", () => {
  const resolver = (table: Record<string, Array<{ address: string; family: 4 | 6 }>>) => async (hostname: string) => {
    const found = table[hostname];
    if (found === undefined) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return found;
  };

  it("refuses a name that resolves only to blocked addresses (DNS pointing inside)", async () => {
    const resolve = resolver({
      "evil.example": [
        { address: "127.0.0.1", family: 4 },
        { address: "::1", family: 6 },
      ],
      "metadata.example": [{ address: "169.254.169.254", family: 4 }],
      "mapped.example": [{ address: "::ffff:10.0.0.5", family: 6 }],
    });
    for (const [host, addressClass] of [
      ["evil.example", "loopback"],
      ["metadata.example", "cloud-metadata"],
      ["mapped.example", "private"],
    ] as const) {
      await expect(resolveDeliveryAddress(new URL(`https://${host}/hook`), { resolve })).rejects.toMatchObject({
        code: "VALIDATION_ERROR",
        details: { reason: "ssrf_blocked", addressClass },
      });
    }
  });

  it("pins the first public address when a name mixes public and internal answers", async () => {
    const resolve = resolver({
      "mixed.example": [
        { address: "10.0.0.1", family: 4 },
        { address: "93.184.216.34", family: 4 },
      ],
    });
    await expect(resolveDeliveryAddress(new URL("https://mixed.example/"), { resolve })).resolves.toEqual({
      address: "93.184.216.34",
      family: 4,
    });
  });

  it("uses the allowlist for local names and reports resolution failures as PROVIDER_ERROR", async () => {
    const resolve = resolver({ localhost: [{ address: "127.0.0.1", family: 4 }] });
    await expect(
      resolveDeliveryAddress(new URL("http://localhost:3000/"), { resolve, allowedHosts: ["localhost"] }),
    ).resolves.toEqual({ address: "127.0.0.1", family: 4 });
    await expect(resolveDeliveryAddress(new URL("http://localhost:3000/"), { resolve })).rejects.toMatchObject({
      code: "VALIDATION_ERROR",
    });
    await expect(resolveDeliveryAddress(new URL("http://nowhere.example/"), { resolve })).rejects.toMatchObject({
      code: "PROVIDER_ERROR",
    });
  });

  it("checks IP literals without resolving", async () => {
    const resolve = async () => {
      throw new Error("must not resolve");
    };
    await expect(resolveDeliveryAddress(new URL("http://[::ffff:a9fe:a9fe]/"), { resolve })).rejects.toMatchObject({
      details: { addressClass: "cloud-metadata" },
    });
    await expect(resolveDeliveryAddress(new URL("http://8.8.8.8/"), { resolve })).resolves.toEqual({
      address: "8.8.8.8",
      family: 4,
    });
  });
});
