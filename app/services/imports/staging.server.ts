import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImportKind } from "../../domain/import-rows";

/**
 * An uploaded file kept between its dry run and the import, so the "import" button is a plain
 * form post carrying a token (it works without JavaScript, and the file is not sent twice).
 * Staged files belong to the staff account that uploaded them and expire after an hour.
 */
const STAGING_DIR = join(process.env.IMPORT_STAGING_DIR ?? tmpdir(), "dinghuo-imports");
const TTL_MS = 60 * 60_000;
const TOKEN = /^[0-9a-f]{32}$/;

interface StagedMeta {
  accountId: number;
  kind: ImportKind;
  fileName: string;
  stagedAt: string;
}

export interface StagedFile {
  fileName: string;
  bytes: Uint8Array;
}

async function removeExpired(now: Date): Promise<void> {
  let names: string[];
  try {
    names = await readdir(STAGING_DIR);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(STAGING_DIR, name);
    try {
      if (now.getTime() - (await stat(path)).mtimeMs > TTL_MS) await rm(path, { force: true });
    } catch {
      // removed meanwhile by another request
    }
  }
}

export async function stageUpload(
  owner: { accountId: number; kind: ImportKind },
  file: StagedFile,
  now: Date,
): Promise<string> {
  await mkdir(STAGING_DIR, { recursive: true, mode: 0o700 });
  await removeExpired(now);
  const token = randomBytes(16).toString("hex");
  const meta: StagedMeta = { ...owner, fileName: file.fileName, stagedAt: now.toISOString() };
  await writeFile(join(STAGING_DIR, `${token}.bin`), file.bytes, { mode: 0o600 });
  await writeFile(join(STAGING_DIR, `${token}.json`), JSON.stringify(meta), { mode: 0o600 });
  return token;
}

/** The staged file, if the token is this account's, for this kind, and not expired. */
export async function loadStaged(
  token: string,
  owner: { accountId: number; kind: ImportKind },
  now: Date,
): Promise<StagedFile | null> {
  if (!TOKEN.test(token)) return null;
  try {
    const meta = JSON.parse(await readFile(join(STAGING_DIR, `${token}.json`), "utf8")) as StagedMeta;
    if (meta.accountId !== owner.accountId || meta.kind !== owner.kind) return null;
    if (now.getTime() - Date.parse(meta.stagedAt) > TTL_MS) return null;
    const bytes = await readFile(join(STAGING_DIR, `${token}.bin`));
    return { fileName: meta.fileName, bytes: new Uint8Array(bytes) };
  } catch {
    return null;
  }
}

export async function discardStaged(token: string): Promise<void> {
  if (!TOKEN.test(token)) return;
  await rm(join(STAGING_DIR, `${token}.bin`), { force: true });
  await rm(join(STAGING_DIR, `${token}.json`), { force: true });
}
