import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";
import * as m0002 from "./0002_catalog_and_orders";

/** Every migration, in order. Listed by hand so bundlers and tsx see the same set. */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_catalog_and_orders": m0002,
};
