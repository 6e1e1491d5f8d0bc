import type { Kysely } from "kysely";
import { prepared } from "../../db/prepared";
import type { DB } from "../../db/schema";
import { checkQuantity, type QuantityProblem } from "../domain/order-quantity";
import type { BusinessSettings } from "../domain/settings";
import { availableBySku, priceSkusForCustomer } from "./catalog.server";

export type LineProblem =
  | { code: "unknown_sku" }
  | { code: "unlisted" }
  | QuantityProblem
  | { code: "short_stock"; available: number };

export interface LineRequest {
  /** SKU code or barcode as a dealer types or pastes it. */
  skuCode: string;
  quantity: number;
}

export interface CheckedLine {
  input: LineRequest;
  sku: {
    id: number;
    code: string;
    productId: number;
    productName: string;
    spec: string;
    unit: string;
    minQty: number;
    maxQty: number | null;
    multiple: number;
  } | null;
  unitPrice: number | null;
  available: number | null;
  problem: LineProblem | null;
}

/** SKUs by code or barcode, with their product's name and listing. */
const skusByCode = prepared((db: Kysely<DB>, p: { codes: string[] }) =>
  db
    .selectFrom("skus as s")
    .innerJoin("products as p", "p.id", "s.product_id")
    .select([
      "s.id",
      "s.code",
      "s.barcode",
      "s.product_id",
      "p.name as product_name",
      "s.spec",
      "s.unit",
      "s.min_qty",
      "s.max_qty",
      "s.multiple",
      "s.listed",
      "p.listed as product_listed",
    ])
    .where((eb) => eb.or([eb("s.code", "in", p.codes), eb("s.barcode", "in", p.codes)])),
);

/**
 * Checks lines as the storefront and the API receive them: the SKU exists and is listed, the
 * quantity obeys its rules, and (unless overselling is allowed) stock covers it. Prices are
 * the customer's, computed here. Every line gets an answer; nothing is dropped silently.
 */
export async function checkLines(
  db: Kysely<DB>,
  customerId: number,
  lines: LineRequest[],
  settings: Pick<BusinessSettings, "allowOverselling">,
): Promise<CheckedLine[]> {
  const codes = [...new Set(lines.map((l) => l.skuCode.trim()).filter(Boolean))];
  const rows = codes.length ? await skusByCode.execute(db, { codes }) : [];
  const byCode = new Map<string, (typeof rows)[number]>();
  for (const r of rows) {
    byCode.set(r.code, r);
    if (r.barcode && !byCode.has(r.barcode)) byCode.set(r.barcode, r);
  }
  const skuIds = rows.map((r) => r.id);
  const [prices, available] = await Promise.all([
    priceSkusForCustomer(db, customerId, skuIds),
    availableBySku(db, skuIds),
  ]);
  // Several lines of one SKU draw on the same stock.
  const wantedBySku = new Map<number, number>();
  for (const line of lines) {
    const r = byCode.get(line.skuCode.trim());
    if (r && Number.isSafeInteger(line.quantity)) wantedBySku.set(r.id, (wantedBySku.get(r.id) ?? 0) + line.quantity);
  }

  return lines.map((input) => {
    const r = byCode.get(input.skuCode.trim());
    if (!r) return { input, sku: null, unitPrice: null, available: null, problem: { code: "unknown_sku" } };
    const sku = {
      id: r.id,
      code: r.code,
      productId: r.product_id,
      productName: r.product_name,
      spec: r.spec,
      unit: r.unit,
      minQty: r.min_qty,
      maxQty: r.max_qty,
      multiple: r.multiple,
    };
    const avail = available.get(r.id) ?? 0;
    const base = { input, sku, unitPrice: prices.get(r.id)?.price ?? null, available: avail };
    if (r.listed !== 1 || r.product_listed !== 1) return { ...base, problem: { code: "unlisted" } };
    const q = checkQuantity(input.quantity, { minQty: r.min_qty, maxQty: r.max_qty, multiple: r.multiple });
    if (q) return { ...base, problem: q };
    if (!settings.allowOverselling && (wantedBySku.get(r.id) ?? 0) > avail) {
      return { ...base, problem: { code: "short_stock", available: Math.max(avail, 0) } };
    }
    return { ...base, problem: null };
  });
}
