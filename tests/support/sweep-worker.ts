// A separate process running the background sweeps (auto-receipt, outbox sender) the way every
// portal worker does, for the two-process test: appends each outbox event it handles to a
// shared file, then prints how many orders its auto-receipt sweeps confirmed.
//   sweep-worker <sqlite-file | postgres-url> <schema|-> <events-file> <now-iso> <start-at-ms>
import { appendFileSync } from "node:fs";
import { sweepAutoReceipt } from "../../app/services/order-admin.server";
import { sendOutbox } from "../../app/services/outbox-sender.server";
import { openDatabase } from "../../db/client";

const [url, schema, eventsFile, nowIso, startAt] = process.argv.slice(2);
const database = url!.startsWith("postgres")
  ? openDatabase({ dialect: "postgres", url: url!, schema: schema === "-" ? undefined : schema })
  : openDatabase({ dialect: "sqlite", url: url! });
const now = new Date(nowIso!);
// Both processes start sweeping at the same moment, whatever their start-up took.
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
let confirmed = 0;
let idle = 0;
// Small batches and several rounds, so the two processes' claims interleave.
while (idle < 3) {
  confirmed += await sweepAutoReceipt(database.db, 7, now, 1);
  const sent = await sendOutbox(
    database.db,
    [
      async (event) => {
        appendFileSync(eventsFile!, `${event.id} ${process.pid}\n`);
        await new Promise((r) => setTimeout(r, 5));
      },
    ],
    now,
    3,
  );
  idle = sent === 0 ? idle + 1 : 0;
}
await database.close();
process.stdout.write(`${JSON.stringify({ confirmed })}\n`);
