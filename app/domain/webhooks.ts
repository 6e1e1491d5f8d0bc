/**
 * Webhooks: which outbox events an endpoint may subscribe to, how a subscription matches an
 * event, and when a failed delivery is tried again. Pure: no clock, no randomness of its own.
 */

/** Every event type a webhook can carry (the outbox's event types of orders, returns, payments). */
export const WEBHOOK_EVENTS = [
  "order.submitted",
  "order.step_approved",
  "order.amended",
  "order.sent_back",
  "order.voided",
  "order.cancelled",
  "order.shipped",
  "order.completed",
  "return.submitted",
  "return.step_approved",
  "return.shipped_back",
  "return.rejected",
  "return.cancelled",
  "return.received",
  "return.refunded",
  "return.completed",
  "payment.recorded",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export const WEBHOOK_EVENT_GROUPS = ["order", "return", "payment"] as const;
export type WebhookEventGroup = (typeof WEBHOOK_EVENT_GROUPS)[number];

/** What a subscription may hold: an exact type, or a whole group (`return.*`). */
export const WEBHOOK_PATTERNS = [...WEBHOOK_EVENTS, ...WEBHOOK_EVENT_GROUPS.map((g) => `${g}.*` as const)] as const;
export type WebhookPattern = (typeof WEBHOOK_PATTERNS)[number];

export const isWebhookPattern = (value: string): value is WebhookPattern =>
  (WEBHOOK_PATTERNS as readonly string[]).includes(value);

export const eventsOfGroup = (group: WebhookEventGroup): WebhookEvent[] =>
  WEBHOOK_EVENTS.filter((e) => e.startsWith(`${group}.`));

/** Whether an endpoint subscribed to `patterns` receives an event of `type`. */
export function subscribes(patterns: readonly string[], type: string): boolean {
  return patterns.some((p) => p === type || (p.endsWith(".*") && type.startsWith(p.slice(0, -1))));
}

/** A subscription without duplicates or types a chosen wildcard already covers, in catalogue order. */
export function normalizeSubscription(patterns: readonly string[]): WebhookPattern[] {
  const chosen = new Set(patterns.filter(isWebhookPattern));
  const wildcards = [...chosen].filter((p) => p.endsWith(".*"));
  return WEBHOOK_PATTERNS.filter((p) => chosen.has(p) && (p.endsWith(".*") || !subscribes(wildcards, p)));
}

/** A delivery waits to be sent (or retried), arrived (2xx), or was given up after the last attempt. */
export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** Attempts before a delivery is given up as failed (the last one about 4 h after the first). */
export const WEBHOOK_MAX_ATTEMPTS = 10;
const FIRST_RETRY_MS = 30_000;
const LONGEST_RETRY_MS = 6 * 3600_000;

/**
 * How long to wait after the `attempt`-th failed attempt (1-based): doubling from 30 s, capped
 * at 6 h, with "equal jitter" (half fixed, half random) so receivers that failed together are
 * not all retried in the same second. `random` is in [0, 1).
 */
export function retryDelayMs(attempt: number, random: number): number {
  const full = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1), LONGEST_RETRY_MS);
  return Math.round(full / 2 + (full / 2) * random);
}
