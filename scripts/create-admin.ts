// The first administrator of a real install: `npm run create-admin -- --username NAME --name "显示名"`.
// The password is asked for (or read from standard input when piped); there is no default.
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { createStaffAccount } from "../app/services/accounts.server";
import { MIN_PASSWORD_LENGTH } from "../app/services/passwords.server";
import { openDatabase } from "../db/client";
import { migrateToLatest } from "../db/migrate";

const { values } = parseArgs({
  options: { username: { type: "string" }, name: { type: "string" } },
});
if (!values.username) {
  console.error('Usage: npm run create-admin -- --username NAME [--name "Display name"]');
  process.exit(2);
}

async function readPassword(): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  const ask = (q: string) =>
    new Promise<string>((resolve) => {
      if (process.stdin.isTTY) process.stdout.write(q);
      // Hide what is typed on a terminal.
      const out = rl as unknown as { _writeToOutput?: (s: string) => void };
      if (process.stdin.isTTY) out._writeToOutput = () => {};
      rl.question("", (answer) => {
        if (process.stdin.isTTY) process.stdout.write("\n");
        resolve(answer);
      });
    });
  const first = await ask("Password: ");
  const second = process.stdin.isTTY ? await ask("Repeat password: ") : first;
  rl.close();
  if (first !== second) throw new Error("The passwords differ.");
  return first;
}

const password = await readPassword();
if (password.length < MIN_PASSWORD_LENGTH) {
  console.error(`The password needs at least ${MIN_PASSWORD_LENGTH} characters.`);
  process.exit(2);
}

const database = openDatabase();
try {
  await migrateToLatest(database.db);
  const role = await database.db.selectFrom("roles").select("id").where("key", "=", "admin").executeTakeFirstOrThrow();
  const id = await createStaffAccount(
    database.db,
    { accountId: null, name: "create-admin" },
    {
      username: values.username,
      displayName: values.name ?? values.username,
      password,
      roleIds: [role.id],
      regionIds: null,
    },
    new Date(),
  );
  console.log(`Created administrator "${values.username}" (account ${id}) in ${database.location}.`);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
} finally {
  await database.close();
}
