import type { Migration } from "kysely";
import * as m0001 from "./0001_foundation";
import * as m0002 from "./0002_catalog_and_orders";
import * as m0003 from "./0003_funds";
import * as m0004 from "./0004_order_pipeline";
import * as m0005 from "./0005_returns";
import * as m0006 from "./0006_return_photos";
import * as m0007 from "./0007_staff_admin";
import * as m0008 from "./0008_api_tokens";
import * as m0009 from "./0009_webhooks";
import * as m0010 from "./0010_bench_indexes";
import * as m0011 from "./0011_product_search_index";
import * as m0012 from "./0012_outbox_due";
import * as m0013 from "./0013_catalog_cards";

/** Every migration, in order. Listed by hand so bundlers and tsx see the same set. */
export const migrations: Record<string, Migration> = {
  "0001_foundation": m0001,
  "0002_catalog_and_orders": m0002,
  "0003_funds": m0003,
  "0004_order_pipeline": m0004,
  "0005_returns": m0005,
  "0006_return_photos": m0006,
  "0007_staff_admin": m0007,
  "0008_api_tokens": m0008,
  "0009_webhooks": m0009,
  "0010_bench_indexes": m0010,
  "0011_product_search_index": m0011,
  "0012_outbox_due": m0012,
  "0013_catalog_cards": m0013,
};
