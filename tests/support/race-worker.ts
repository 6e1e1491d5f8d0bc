// A second (and third) process for the multi-process races: opens the same SQLite file (or the
// same PostgreSQL schema) and fires its share of actions at once, then prints the results as
// one JSON line.   race-worker <sqlite-file | postgres-url> <tasks-json> [pg-schema]
import { BUILTIN_ROLES } from "../../app/domain/permissions";
import { type OrderActor, performOrderAction } from "../../app/services/order-pipeline.server";
import { openDatabase } from "../../db/client";

const [file, json, schema] = process.argv.slice(2);
const tasks = JSON.parse(json!) as Array<{ number: string; version: number }>;
const database = file!.startsWith("postgres")
  ? openDatabase({ dialect: "postgres", url: file!, schema })
  : openDatabase({ dialect: "sqlite", url: file! });
const actor: OrderActor = {
  accountId: null,
  name: `worker-${process.pid}`,
  kind: "staff",
  grant: { permissions: new Set(BUILTIN_ROLES.admin.permissions), regionIds: null },
};
const results = await Promise.all(
  tasks.map((task) =>
    performOrderAction(database.db, actor, task.number, { type: "approve", version: task.version }, new Date()).catch(
      (error: unknown) => ({
        ok: false,
        code: `error: ${String(error)}`,
      }),
    ),
  ),
);
await database.close();
process.stdout.write(`${JSON.stringify(results.map((r) => (r.ok ? "ok" : r.code)))}\n`);
