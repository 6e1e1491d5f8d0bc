import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";

/** Every migration, in order. Listed by hand so bundlers and tsx see the same set. */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
};
