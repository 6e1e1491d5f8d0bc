import type { Kysely } from "kysely";
import type { DB } from "../../db/schema";
import {
  type DeliveryStatus,
  isWebhookPattern,
  normalizeSubscription,
  subscribes,
  WEBHOOK_EVENTS,
  type WebhookPattern,
} from "../domain/webhooks";
import { recordAudit } from "./audit.server";
import { decodeCursor, encodeCursor } from "./keyset.server";
import type { OutboxHandler } from "./outbox-sender.server";
import { PermissionDeniedError, type StaffActor } from "./staff-actor.server";
import { webhookAllowPrivate, webhookUrlProblem } from "./webhook-address.server";
import { encryptWebhookSecret, generateWebhookSecret, secretPrefix } from "./webhook-secrets.server";

/**
 * Webhook endpoints and their deliveries (设置 → Webhook). Managed with `settings.workflow` by
 * staff who see every region: webhooks carry events of all customers and regions, so a
 * region-limited administrator must not point them anywhere.
 */
export function canManageWebhooks(grant: StaffActor["grant"]): boolean {
  return grant.permissions.has("settings.workflow") && grant.regionIds === null;
}

function assertWebhookAdmin(actor: StaffActor): void {
  if (!canManageWebhooks(actor.grant)) throw new PermissionDeniedError("settings.workflow");
}

/** The public id of an event, the same in every endpoint's delivery and every retry (receivers dedupe by it). */
export const webhookEventId = (outboxEventId: number) => `evt_${outboxEventId}`;

export interface EndpointInput {
  url: string;
  description: string;
  events: readonly string[];
  active: boolean;
}

export type EndpointResult =
  | { ok: true; id: number; secret?: string }
  | { ok: false; error: "invalid"; fieldErrors: Record<string, string> }
  | { ok: false; error: "not_found" };

/** Field errors are i18n keys, as the forms show them. */
function checkInput(
  input: EndpointInput,
  allowInternal: boolean,
): { ok: true; events: WebhookPattern[] } | { ok: false; error: "invalid"; fieldErrors: Record<string, string> } {
  const fieldErrors: Record<string, string> = {};
  const problem = webhookUrlProblem(input.url, allowInternal);
  if (problem) fieldErrors.url = `webhooks.errors.url_${problem}`;
  const events = normalizeSubscription(input.events);
  if (input.events.some((e) => !isWebhookPattern(e))) fieldErrors.events = "validation.invalid";
  else if (!events.length) fieldErrors.events = "webhooks.errors.eventsRequired";
  return Object.keys(fieldErrors).length ? { ok: false, error: "invalid", fieldErrors } : { ok: true, events };
}

export async function createEndpoint(
  db: Kysely<DB>,
  actor: StaffActor,
  input: EndpointInput,
  now: Date,
  allowInternal = webhookAllowPrivate(),
): Promise<EndpointResult> {
  assertWebhookAdmin(actor);
  const checked = checkInput(input, allowInternal);
  if (!checked.ok) return checked;
  const secret = generateWebhookSecret();
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto("webhook_endpoints")
      .values({
        url: input.url,
        description: input.description,
        events_json: JSON.stringify(checked.events),
        active: input.active ? 1 : 0,
        secret_ciphertext: encryptWebhookSecret(secret),
        secret_prefix: secretPrefix(secret),
        secret_rotated_at: at,
        created_by_name: actor.name,
        created_at: at,
        updated_at: at,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await recordAudit(
      trx,
      actor,
      {
        action: "webhook.create",
        objectType: "webhook_endpoint",
        objectId: row.id,
        after: { url: input.url, events: checked.events, active: input.active },
      },
      now,
    );
    return { ok: true, id: row.id, secret } as const;
  });
}

export async function updateEndpoint(
  db: Kysely<DB>,
  actor: StaffActor,
  id: number,
  input: EndpointInput,
  now: Date,
  allowInternal = webhookAllowPrivate(),
): Promise<EndpointResult> {
  assertWebhookAdmin(actor);
  const checked = checkInput(input, allowInternal);
  if (!checked.ok) return checked;
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("webhook_endpoints")
      .select(["url", "description", "events_json", "active"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!before) return { ok: false, error: "not_found" } as const;
    await trx
      .updateTable("webhook_endpoints")
      .set({
        url: input.url,
        description: input.description,
        events_json: JSON.stringify(checked.events),
        active: input.active ? 1 : 0,
        updated_at: now.toISOString(),
      })
      .where("id", "=", id)
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "webhook.update",
        objectType: "webhook_endpoint",
        objectId: id,
        before: { url: before.url, events: JSON.parse(before.events_json), active: before.active === 1 },
        after: { url: input.url, events: checked.events, active: input.active },
      },
      now,
    );
    return { ok: true, id } as const;
  });
}

/** A new secret, shown once; the old one stops signing at once. */
export async function rotateEndpointSecret(
  db: Kysely<DB>,
  actor: StaffActor,
  id: number,
  now: Date,
): Promise<{ ok: true; secret: string } | { ok: false; error: "not_found" }> {
  assertWebhookAdmin(actor);
  const secret = generateWebhookSecret();
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("webhook_endpoints")
      .set({
        secret_ciphertext: encryptWebhookSecret(secret),
        secret_prefix: secretPrefix(secret),
        secret_rotated_at: now.toISOString(),
        updated_at: now.toISOString(),
      })
      .where("id", "=", id)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return { ok: false, error: "not_found" } as const;
    await recordAudit(
      trx,
      actor,
      {
        action: "webhook.rotate_secret",
        objectType: "webhook_endpoint",
        objectId: id,
        after: { prefix: secretPrefix(secret) },
      },
      now,
    );
    return { ok: true, secret } as const;
  });
}

/** Deletes the endpoint with its deliveries and their attempts. */
export async function deleteEndpoint(
  db: Kysely<DB>,
  actor: StaffActor,
  id: number,
  now: Date,
): Promise<{ ok: boolean }> {
  assertWebhookAdmin(actor);
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom("webhook_endpoints")
      .select(["url", "events_json"])
      .where("id", "=", id)
      .executeTakeFirst();
    if (!before) return { ok: false };
    await trx.deleteFrom("webhook_endpoints").where("id", "=", id).execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "webhook.delete",
        objectType: "webhook_endpoint",
        objectId: id,
        before: { url: before.url, events: JSON.parse(before.events_json) },
      },
      now,
    );
    return { ok: true };
  });
}

export interface EndpointSummary {
  id: number;
  url: string;
  description: string;
  events: WebhookPattern[];
  active: boolean;
  secretPrefix: string;
  secretRotatedAt: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  counts: { pending: number; delivered: number; failed: number };
  lastDeliveryAt: string | null;
}

type EndpointRow = Pick<
  DB["webhook_endpoints"],
  "url" | "events_json" | "secret_prefix" | "secret_rotated_at" | "created_by_name" | "created_at" | "updated_at"
> & { id: number; description: string; active: number };

const ENDPOINT_FIELDS = [
  "id",
  "url",
  "description",
  "events_json",
  "active",
  "secret_prefix",
  "secret_rotated_at",
  "created_by_name",
  "created_at",
  "updated_at",
] as const;

async function summarize(db: Kysely<DB>, rows: EndpointRow[]): Promise<EndpointSummary[]> {
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const counts = await db
    .selectFrom("webhook_deliveries")
    .select((eb) => ["endpoint_id", "status", eb.fn.countAll<number>().as("n"), eb.fn.max("created_at").as("last")])
    .where("endpoint_id", "in", ids)
    .groupBy(["endpoint_id", "status"])
    .execute();
  return rows.map((r) => {
    const mine = counts.filter((c) => c.endpoint_id === r.id);
    const count = (status: string) => Number(mine.find((c) => c.status === status)?.n ?? 0);
    const last = mine.map((c) => String(c.last)).sort();
    return {
      id: r.id,
      url: r.url,
      description: r.description,
      events: normalizeSubscription(JSON.parse(r.events_json) as string[]),
      active: r.active === 1,
      secretPrefix: r.secret_prefix,
      secretRotatedAt: r.secret_rotated_at,
      createdBy: r.created_by_name,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      counts: { pending: count("pending"), delivered: count("delivered"), failed: count("failed") },
      lastDeliveryAt: last[last.length - 1] ?? null,
    };
  });
}

export async function listEndpoints(db: Kysely<DB>, actor: StaffActor): Promise<EndpointSummary[]> {
  assertWebhookAdmin(actor);
  const rows = await db.selectFrom("webhook_endpoints").select(ENDPOINT_FIELDS).orderBy("id").execute();
  return summarize(db, rows);
}

export async function getEndpoint(db: Kysely<DB>, actor: StaffActor, id: number): Promise<EndpointSummary | null> {
  assertWebhookAdmin(actor);
  const row = await db.selectFrom("webhook_endpoints").select(ENDPOINT_FIELDS).where("id", "=", id).executeTakeFirst();
  return row ? ((await summarize(db, [row]))[0] ?? null) : null;
}

export interface DeliveryQuery {
  status?: DeliveryStatus;
  event?: string;
  cursor?: string;
  limit: number;
}

export interface DeliveryAttempt {
  id: number;
  attempt: number;
  at: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string;
}

export interface DeliveryItem {
  id: number;
  eventId: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  deliveredAt: string | null;
  createdAt: string;
  body: string;
  log: DeliveryAttempt[];
}

/** An endpoint's deliveries, newest first, each with its attempts (newest first); keyset-paged by id. */
export async function listDeliveries(
  db: Kysely<DB>,
  actor: StaffActor,
  endpointId: number,
  query: DeliveryQuery,
): Promise<{ items: DeliveryItem[]; nextCursor: string | null }> {
  assertWebhookAdmin(actor);
  const after = decodeCursor(query.cursor, ["number"]);
  const rows = await db
    .selectFrom("webhook_deliveries")
    .selectAll()
    .where("endpoint_id", "=", endpointId)
    .$if(Boolean(query.status), (qb) => qb.where("status", "=", query.status!))
    .$if(Boolean(query.event), (qb) => qb.where("event_type", "=", query.event!))
    .$if(after !== null, (qb) => qb.where("id", "<", after![0] as number))
    .orderBy("id", "desc")
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  const attempts = page.length
    ? await db
        .selectFrom("webhook_attempts")
        .selectAll()
        .where(
          "delivery_id",
          "in",
          page.map((r) => r.id),
        )
        .orderBy("id", "desc")
        .execute()
    : [];
  const items = page.map(
    (r): DeliveryItem => ({
      id: r.id,
      eventId: webhookEventId(r.outbox_event_id),
      eventType: r.event_type,
      status: r.status,
      attempts: r.attempts,
      nextAttemptAt: r.next_attempt_at,
      lastAttemptAt: r.last_attempt_at,
      lastStatusCode: r.last_status_code,
      lastError: r.last_error,
      deliveredAt: r.delivered_at,
      createdAt: r.created_at,
      body: r.body,
      log: attempts
        .filter((a) => a.delivery_id === r.id)
        .map((a) => ({
          id: a.id,
          attempt: a.attempt,
          at: a.at,
          statusCode: a.status_code,
          durationMs: a.duration_ms,
          error: a.error,
          responseExcerpt: a.response_excerpt,
        })),
    }),
  );
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? encodeCursor([last.id]) : null };
}

/** "Send again": the delivery is queued now with a fresh round of attempts, whatever its state. */
export async function redeliver(
  db: Kysely<DB>,
  actor: StaffActor,
  endpointId: number,
  deliveryId: number,
  now: Date,
): Promise<{ ok: boolean }> {
  assertWebhookAdmin(actor);
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("webhook_deliveries")
      .select(["status", "attempts", "event_type", "outbox_event_id"])
      .where("id", "=", deliveryId)
      .where("endpoint_id", "=", endpointId)
      .executeTakeFirst();
    if (!row) return { ok: false };
    await trx
      .updateTable("webhook_deliveries")
      .set((eb) => ({
        status: "pending",
        attempts: 0,
        version: eb("version", "+", 1),
        next_attempt_at: now.toISOString(),
      }))
      .where("id", "=", deliveryId)
      .execute();
    await recordAudit(
      trx,
      actor,
      {
        action: "webhook.redeliver",
        objectType: "webhook_delivery",
        objectId: deliveryId,
        before: { status: row.status, attempts: row.attempts },
        after: { status: "pending", event: webhookEventId(row.outbox_event_id), type: row.event_type },
      },
      now,
    );
    return { ok: true };
  });
}

/**
 * The outbox handler: fans a committed event out into one delivery per active endpoint that
 * subscribes to it. The unique (endpoint, event) pair makes a re-run (the outbox retries a
 * handler that failed, or two processes overlap) a no-op. Sending is the delivery sender's job.
 */
export function webhookFanOut(db: Kysely<DB>): OutboxHandler {
  return async (event) => {
    if (!(WEBHOOK_EVENTS as readonly string[]).includes(event.type)) return;
    const endpoints = await db
      .selectFrom("webhook_endpoints")
      .select(["id", "events_json"])
      .where("active", "=", 1)
      .execute();
    const targets = endpoints.filter((e) => subscribes(JSON.parse(e.events_json) as string[], event.type));
    if (!targets.length) return;
    const body = JSON.stringify({
      id: webhookEventId(event.id),
      type: event.type,
      createdAt: event.createdAt,
      data: event.payload,
    });
    const createdAt = new Date().toISOString();
    await db
      .insertInto("webhook_deliveries")
      .values(
        targets.map((e) => ({
          endpoint_id: e.id,
          outbox_event_id: event.id,
          event_type: event.type,
          body,
          status: "pending" as const,
          // Due since the event happened.
          next_attempt_at: event.createdAt,
          created_at: createdAt,
        })),
      )
      .onConflict((oc) => oc.columns(["endpoint_id", "outbox_event_id"]).doNothing())
      .execute();
  };
}
