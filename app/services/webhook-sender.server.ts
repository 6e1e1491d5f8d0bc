import http from "node:http";
import https from "node:https";
import type { Kysely } from "kysely";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import { retryDelayMs, WEBHOOK_MAX_ATTEMPTS } from "../domain/webhooks";
import { guardedLookup, webhookAllowPrivate, webhookUrlProblem } from "./webhook-address.server";
import { decryptWebhookSecret, signWebhook } from "./webhook-secrets.server";

export interface SendWebhooksOptions {
  /** Per HTTP attempt, from connecting to the status line. Default 10 s. */
  timeoutMs?: number;
  maxAttempts?: number;
  batch?: number;
  /** Requests in flight at once, so one slow receiver does not hold back the rest. */
  concurrency?: number;
  random?: () => number;
  allowInternal?: boolean;
}

interface Outcome {
  statusCode: number | null;
  error: string | null;
  excerpt: string;
  durationMs: number;
}

/** A claimed delivery is not due again before this, so no other process sends it meanwhile. */
const LEASE_MS = 60_000;
const EXCERPT_BYTES = 1024;

/**
 * Sends due webhook deliveries. Every process may run it: a delivery is claimed by a
 * compare-and-set on its version with a lease, so each attempt is made by one sender. Each
 * attempt is logged; 2xx is delivered, anything else is retried with backoff and jitter until
 * `maxAttempts`, then marked failed ("send again" re-queues it).
 */
export async function sendWebhooks(
  db: Kysely<DB>,
  now: Date,
  options: SendWebhooksOptions = {},
): Promise<{ attempted: number; delivered: number }> {
  const {
    timeoutMs = 10_000,
    maxAttempts = WEBHOOK_MAX_ATTEMPTS,
    batch = 50,
    concurrency = 4,
    random = Math.random,
    allowInternal = webhookAllowPrivate(),
  } = options;
  const at = now.toISOString();
  const due = await db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_endpoints as e", "e.id", "d.endpoint_id")
    .select(["d.id", "d.version", "d.attempts", "d.body", "d.event_type", "e.url", "e.secret_ciphertext"])
    .where("d.status", "=", "pending")
    .where("d.next_attempt_at", "<=", at)
    .where("e.active", "=", 1)
    .orderBy("d.next_attempt_at")
    .orderBy("d.id")
    .limit(batch)
    .execute();
  let attempted = 0;
  let delivered = 0;

  const attempt = async (row: (typeof due)[number]) => {
    const claimed = await db
      .updateTable("webhook_deliveries")
      .set({ version: row.version + 1, next_attempt_at: new Date(now.getTime() + LEASE_MS).toISOString() })
      .where("id", "=", row.id)
      .where("version", "=", row.version)
      .where("status", "=", "pending")
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return; // another sender has it, or it was re-queued
    const secret = decryptWebhookSecret(row.secret_ciphertext);
    const timestamp = String(Math.floor(now.getTime() / 1000));
    const outcome: Outcome = secret
      ? await post(
          row.url,
          {
            "content-type": "application/json; charset=utf-8",
            "user-agent": "Dinghuo-Webhooks/1",
            "dinghuo-event": row.event_type,
            "dinghuo-delivery": String(row.id),
            "dinghuo-timestamp": timestamp,
            "dinghuo-signature": signWebhook(secret, timestamp, row.body),
          },
          row.body,
          timeoutMs,
          allowInternal,
        )
      : {
          statusCode: null,
          error: "signing secret unreadable: rotate the endpoint's secret",
          excerpt: "",
          durationMs: 0,
        };
    attempted++;
    const ok = outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300;
    if (ok) delivered++;
    const attempts = row.attempts + 1;
    const status = ok ? "delivered" : attempts >= maxAttempts ? "failed" : "pending";
    await db.transaction().execute(async (trx) => {
      // Deleted with its endpoint meanwhile: nothing to log against.
      const still = await forUpdate(
        trx,
        trx.selectFrom("webhook_deliveries").select("id").where("id", "=", row.id),
      ).executeTakeFirst();
      if (!still) return;
      // Numbered over the delivery's whole life, across "send again" rounds.
      const logged = await trx
        .selectFrom("webhook_attempts")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("delivery_id", "=", row.id)
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("webhook_attempts")
        .values({
          delivery_id: row.id,
          attempt: Number(logged.n) + 1,
          at,
          status_code: outcome.statusCode,
          duration_ms: outcome.durationMs,
          error: outcome.error,
          response_excerpt: outcome.excerpt,
        })
        .execute();
      // Only if nobody re-queued it ("send again") while it was in flight.
      await trx
        .updateTable("webhook_deliveries")
        .set({
          status,
          attempts,
          last_attempt_at: at,
          last_status_code: outcome.statusCode,
          last_error: outcome.error ?? (ok ? null : `HTTP ${outcome.statusCode}`),
          delivered_at: ok ? at : null,
          next_attempt_at:
            status === "pending" ? new Date(now.getTime() + retryDelayMs(attempts, random())).toISOString() : at,
        })
        .where("id", "=", row.id)
        .where("version", "=", row.version + 1)
        .execute();
    });
  };

  const queue = [...due];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let row = queue.shift(); row; row = queue.shift()) await attempt(row);
    }),
  );
  return { attempted, delivered };
}

/**
 * One pass of the background sender: batch after batch while whole batches were due, until
 * `budgetMs` has passed (the outbox's drain, issue 9: one batch of 50 every two seconds is 25
 * deliveries a second, fewer than a busy portal makes). A batch's failures count as attempts, so
 * one failing receiver does not end the pass; its retries come due later.
 */
export async function drainWebhooks(
  db: Kysely<DB>,
  now: Date,
  options: SendWebhooksOptions & { budgetMs?: number } = {},
): Promise<{ attempted: number; delivered: number }> {
  const { budgetMs = 1_500, ...send } = options;
  const batch = send.batch ?? 50;
  const started = performance.now();
  const total = { attempted: 0, delivered: 0 };
  for (;;) {
    const { attempted, delivered } = await sendWebhooks(db, now, send);
    total.attempted += attempted;
    total.delivered += delivered;
    if (attempted < batch || performance.now() - started >= budgetMs) return total;
  }
}

/** One POST; never throws: a refused address, a timeout or a reset is an outcome to log. */
function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  allowInternal: boolean,
): Promise<Outcome> {
  const started = performance.now();
  const problem = webhookUrlProblem(url, allowInternal);
  if (problem)
    return Promise.resolve({ statusCode: null, error: `address refused (${problem})`, excerpt: "", durationMs: 0 });
  const target = new URL(url);
  const transport = target.protocol === "https:" ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (o: Omit<Outcome, "durationMs">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...o, durationMs: Math.round(performance.now() - started) });
    };
    const request = transport.request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: guardedLookup(allowInternal),
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish({
            statusCode: response.statusCode ?? null,
            error: null,
            excerpt: Buffer.concat(chunks).subarray(0, EXCERPT_BYTES).toString("utf8"),
          });
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          // Enough to show what the receiver said; the rest is not read.
          if (size >= EXCERPT_BYTES) response.destroy();
        });
        response.on("end", done);
        response.on("close", done);
        response.on("error", done);
      },
    );
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    request.on("error", (error) => finish({ statusCode: null, error: error.message, excerpt: "" }));
    request.end(body);
  });
}
