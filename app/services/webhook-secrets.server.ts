import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { getEnv } from "../env.server";

/**
 * Webhook signing secrets. Unlike passwords they must be recoverable (the sender signs with
 * them), so they are stored encrypted, not hashed: AES-256-GCM under a key derived (HKDF) from
 * SESSION_SECRET. A copy of the database or a backup alone then does not reveal them. The
 * first session secret encrypts; every listed one is tried to decrypt, so rotating
 * SESSION_SECRET the documented way (new first, old kept) keeps webhooks signing.
 */

const FORMAT = "v1";

function keyFrom(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "dinghuo", "webhook signing secrets", 32));
}

const keys = (secrets: readonly string[] = getEnv().sessionSecrets) => secrets.map(keyFrom);

/** A new signing secret, as shown once to the administrator. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString("base64url")}`;
}

/** What identifies a secret in lists without revealing it. */
export const secretPrefix = (secret: string) => `${secret.slice(0, 10)}…`;

export function encryptWebhookSecret(secret: string, secrets?: readonly string[]): string {
  const key = keys(secrets)[0]!;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ciphertext = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return [FORMAT, iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

/** The secret, or null when no configured key opens it (SESSION_SECRET replaced without keeping the old one). */
export function decryptWebhookSecret(stored: string, secrets?: readonly string[]): string | null {
  const [format, iv, tag, ciphertext] = stored.split(".");
  if (format !== FORMAT || !iv || !tag || !ciphertext) return null;
  for (const key of keys(secrets)) {
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
    } catch {
      // another key, or tampered with
    }
  }
  return null;
}

/** `Dinghuo-Signature`: `v1=` + hex HMAC-SHA256 over `timestamp + "." + body` (see the README). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}
