import type { Kysely } from "kysely";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import {
  ACCOUNT_POLICY,
  IP_POLICY,
  recordFailure,
  retryAfterMs,
  type ThrottlePolicy,
  type ThrottleState,
} from "../domain/login-throttle";

export interface ThrottleKeys {
  username: string;
  ip: string;
}

const keysOf = ({ username, ip }: ThrottleKeys): Array<[string, ThrottlePolicy]> => {
  const keys: Array<[string, ThrottlePolicy]> = [[`account:${username.trim().toLowerCase()}`, ACCOUNT_POLICY]];
  if (ip) keys.push([`ip:${ip}`, IP_POLICY]);
  return keys;
};

const toState = (row: DB["auth_throttle"]): ThrottleState => ({
  failures: row.failures,
  windowStartedAt: Date.parse(row.window_started_at),
  blockedUntil: row.blocked_until ? Date.parse(row.blocked_until) : null,
});

/** Seconds until this username or address may try again (0: go ahead). */
export async function loginRetryAfterSeconds(db: Kysely<DB>, keys: ThrottleKeys, now: Date): Promise<number> {
  const pairs = keysOf(keys);
  const rows = await db
    .selectFrom("auth_throttle")
    .selectAll()
    .where(
      "key",
      "in",
      pairs.map(([k]) => k),
    )
    .execute();
  const waits = rows.map((row) => retryAfterMs(toState(row), now.getTime()));
  return Math.ceil(Math.max(0, ...waits) / 1000);
}

/** Counts one failed login against both the username and the address. */
export async function recordLoginFailure(db: Kysely<DB>, keys: ThrottleKeys, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const [key, policy] of keysOf(keys)) {
      // Make sure the row exists, so that concurrent first failures queue on its lock.
      await trx
        .insertInto("auth_throttle")
        .values({ key, failures: 0, window_started_at: now.toISOString(), blocked_until: null })
        .onConflict((oc) => oc.column("key").doNothing())
        .execute();
      const row = await forUpdate(
        trx,
        trx.selectFrom("auth_throttle").selectAll().where("key", "=", key),
      ).executeTakeFirstOrThrow();
      const next = recordFailure(toState(row), now.getTime(), policy);
      const values = {
        failures: next.failures,
        window_started_at: new Date(next.windowStartedAt).toISOString(),
        blocked_until: next.blockedUntil === null ? null : new Date(next.blockedUntil).toISOString(),
      };
      await trx.updateTable("auth_throttle").set(values).where("key", "=", key).execute();
    }
  });
}

/** A successful login clears the account's counter; the address keeps its count for the hour. */
export async function clearAccountThrottle(db: Kysely<DB>, username: string): Promise<void> {
  await db.deleteFrom("auth_throttle").where("key", "=", `account:${username.trim().toLowerCase()}`).execute();
}
