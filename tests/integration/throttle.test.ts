import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clearAccountThrottle, loginRetryAfterSeconds, recordLoginFailure } from "../../app/services/throttle.server";
import { NOW } from "../support/factories";
import { createTestDatabase, type TestDatabase, testDbKind } from "../support/test-db";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.destroy());

const at = (s: number) => new Date(NOW.getTime() + s * 1000);

describe(`login throttling in the database (${testDbKind()})`, () => {
  it("blocks a username after five failures, whatever the address", async () => {
    for (let i = 0; i < 4; i++) await recordLoginFailure(t.db, { username: "victim", ip: `198.51.100.${i}` }, at(i));
    expect(await loginRetryAfterSeconds(t.db, { username: "victim", ip: "198.51.100.99" }, at(4))).toBe(0);
    await recordLoginFailure(t.db, { username: "VICTIM", ip: "198.51.100.4" }, at(4));
    expect(await loginRetryAfterSeconds(t.db, { username: "victim", ip: "198.51.100.99" }, at(4))).toBe(30);
    expect(await loginRetryAfterSeconds(t.db, { username: "victim", ip: "198.51.100.99" }, at(34))).toBe(0);
  });

  it("blocks an address after twenty failures, whatever the username", async () => {
    for (let i = 0; i < 20; i++) await recordLoginFailure(t.db, { username: `user${i}`, ip: "192.0.2.1" }, at(i));
    expect(await loginRetryAfterSeconds(t.db, { username: "fresh-user", ip: "192.0.2.1" }, at(20))).toBeGreaterThan(0);
    expect(await loginRetryAfterSeconds(t.db, { username: "fresh-user", ip: "192.0.2.2" }, at(20))).toBe(0);
  });

  it("clears the username's count on success but not the address's", async () => {
    for (let i = 0; i < 5; i++) await recordLoginFailure(t.db, { username: "forgetful", ip: "192.0.2.50" }, at(i));
    await clearAccountThrottle(t.db, "Forgetful");
    expect(await loginRetryAfterSeconds(t.db, { username: "forgetful", ip: "" }, at(5))).toBe(0);
    const ipRow = await t.db
      .selectFrom("auth_throttle")
      .select("failures")
      .where("key", "=", "ip:192.0.2.50")
      .executeTakeFirst();
    expect(ipRow?.failures).toBe(5);
  });

  it("counts concurrent failures exactly", async () => {
    await Promise.all(Array.from({ length: 12 }, () => recordLoginFailure(t.db, { username: "racer", ip: "" }, at(0))));
    const row = await t.db
      .selectFrom("auth_throttle")
      .select("failures")
      .where("key", "=", "account:racer")
      .executeTakeFirst();
    expect(row?.failures).toBe(12);
  });
});
