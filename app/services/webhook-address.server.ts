import { lookup } from "node:dns";
import { BlockList, isIP, type LookupFunction } from "node:net";

/**
 * Where webhooks may be sent. An administrator types the URL, and the server then makes the
 * request from inside the network: in production it must not reach loopback, private or
 * link-local addresses (the database, a metadata service) unless WEBHOOK_ALLOW_PRIVATE=true
 * says the receivers live on the LAN. Checked when the URL is saved and again, after DNS,
 * when it is sent, so a name that later resolves inside is refused too.
 */
export function webhookAllowPrivate(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.WEBHOOK_ALLOW_PRIVATE === "true" || env.NODE_ENV !== "production";
}

const INTERNAL = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const) {
  INTERNAL.addSubnet(net, prefix, "ipv4");
}
INTERNAL.addAddress("::", "ipv6");
INTERNAL.addAddress("::1", "ipv6");
INTERNAL.addSubnet("fc00::", 7, "ipv6");
INTERNAL.addSubnet("fe80::", 10, "ipv6");
INTERNAL.addSubnet("ff00::", 8, "ipv6");

export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return INTERNAL.check(mapped[1]!, "ipv4");
  const family = isIP(address);
  if (family === 4) return INTERNAL.check(address, "ipv4");
  if (family === 6) return INTERNAL.check(address, "ipv6");
  return false;
}

export type UrlProblem = "invalid" | "scheme" | "credentials" | "internal";

/** Why a webhook URL is refused, or null. Host names are resolved only when sending. */
export function webhookUrlProblem(value: string, allowInternal: boolean): UrlProblem | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "invalid";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return "scheme";
  if (!url.hostname) return "invalid";
  if (url.username || url.password) return "credentials";
  if (allowInternal) return null;
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost") || isInternalAddress(host)) return "internal";
  return null;
}

/** A DNS lookup for http.request that refuses names resolving to an internal address. */
export function guardedLookup(allowInternal: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as unknown as Array<{ address: string; family: number }>;
      if (!allowInternal && list.some((a) => isInternalAddress(a.address))) {
        const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to an internal address`);
        refused.code = "EADDRNOTALLOWED";
        return callback(refused, "", 0);
      }
      if (options.all) return (callback as (e: null, a: typeof list) => void)(null, list);
      const first = list[0];
      if (!first) return callback(new Error(`${hostname} has no address`), "", 0);
      callback(null, first.address, first.family);
    });
  };
}
