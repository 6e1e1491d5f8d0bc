import { describe, expect, it } from "vitest";
import { normalizeSubscription, retryDelayMs, subscribes, WEBHOOK_MAX_ATTEMPTS } from "../../app/domain/webhooks";
import { isInternalAddress, webhookAllowPrivate, webhookUrlProblem } from "../../app/services/webhook-address.server";
import {
  decryptWebhookSecret,
  encryptWebhookSecret,
  generateWebhookSecret,
  signWebhook,
} from "../../app/services/webhook-secrets.server";

describe("webhook subscriptions", () => {
  it("match exact types and group wildcards, nothing else", () => {
    expect(subscribes(["return.*"], "return.refunded")).toBe(true);
    expect(subscribes(["return.*"], "order.submitted")).toBe(false);
    expect(subscribes(["order.submitted"], "order.submitted")).toBe(true);
    expect(subscribes(["order.submitted"], "order.step_approved")).toBe(false);
    expect(subscribes(["order.*"], "orders.x")).toBe(false);
    expect(subscribes([], "order.submitted")).toBe(false);
  });

  it("drop unknown patterns, duplicates and types a chosen wildcard covers", () => {
    expect(normalizeSubscription(["order.shipped", "order.*", "payment.recorded", "bogus", "order.*"])).toEqual([
      "payment.recorded",
      "order.*",
    ]);
  });
});

describe("webhook retries", () => {
  it("double from 30 s with half of each wait random, capped at 6 h", () => {
    expect(retryDelayMs(1, 0)).toBe(15_000);
    expect(retryDelayMs(1, 0.999_999)).toBeLessThanOrEqual(30_000);
    expect(retryDelayMs(2, 0)).toBe(30_000);
    expect(retryDelayMs(4, 1)).toBe(240_000);
    expect(retryDelayMs(30, 1)).toBe(6 * 3600_000);
    const total = Array.from({ length: WEBHOOK_MAX_ATTEMPTS - 1 }, (_, i) => retryDelayMs(i + 1, 1)).reduce(
      (a, b) => a + b,
    );
    expect(total).toBeGreaterThan(3600_000);
  });
});

describe("webhook secrets", () => {
  it("are recoverable with the key they were stored under, or an older listed one, and not otherwise", () => {
    const secret = generateWebhookSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const stored = encryptWebhookSecret(secret, ["old-session-secret-0123456789abcdef"]);
    expect(stored).not.toContain(secret.slice(6));
    expect(decryptWebhookSecret(stored, ["old-session-secret-0123456789abcdef"])).toBe(secret);
    expect(decryptWebhookSecret(stored, ["new-session-secret", "old-session-secret-0123456789abcdef"])).toBe(secret);
    expect(decryptWebhookSecret(stored, ["another-secret"])).toBeNull();
    expect(decryptWebhookSecret(`${stored.slice(0, -2)}xx`, ["old-session-secret-0123456789abcdef"])).toBeNull();
  });

  it("sign timestamp + '.' + body with HMAC-SHA256", () => {
    // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
    expect(signWebhook("whsec_test", "1700000000", '{"a":1}')).toBe(
      "v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789",
    );
  });
});

describe("webhook addresses", () => {
  it("take http and https only, without credentials", () => {
    expect(webhookUrlProblem("ftp://example.com/x", true)).toBe("scheme");
    expect(webhookUrlProblem("javascript:alert(1)", true)).toBe("scheme");
    expect(webhookUrlProblem("not a url", true)).toBe("invalid");
    expect(webhookUrlProblem("https://user:pw@example.com/", true)).toBe("credentials");
    expect(webhookUrlProblem("https://erp.example.com/hooks", false)).toBeNull();
  });

  it("refuse loopback, private and link-local hosts unless allowed", () => {
    for (const url of [
      "http://localhost:3000/",
      "http://127.0.0.1/",
      "http://10.1.2.3/",
      "http://172.20.0.1/",
      "http://192.168.1.10/",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/",
      "http://[fd00::1]/",
      "http://[::ffff:127.0.0.1]/",
      "http://0.0.0.0/",
    ]) {
      expect(webhookUrlProblem(url, false), url).toBe("internal");
      expect(webhookUrlProblem(url, true), url).toBeNull();
    }
    expect(isInternalAddress("8.8.8.8")).toBe(false);
    expect(isInternalAddress("2001:4860:4860::8888")).toBe(false);
  });

  it("are allowed to be internal outside production, or when WEBHOOK_ALLOW_PRIVATE=true", () => {
    expect(webhookAllowPrivate({ NODE_ENV: "production" })).toBe(false);
    expect(webhookAllowPrivate({ NODE_ENV: "production", WEBHOOK_ALLOW_PRIVATE: "true" })).toBe(true);
    expect(webhookAllowPrivate({ NODE_ENV: "test" })).toBe(true);
  });
});
