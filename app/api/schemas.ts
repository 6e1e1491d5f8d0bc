import { z } from "zod";
import { PAYMENT_METHODS } from "../domain/funds";
import { PERMISSIONS } from "../domain/permissions";

/**
 * The API's request and response shapes (API.md), as zod schemas. Requests are parsed with them
 * (strict objects: an unknown field is refused); the OpenAPI document is generated from them,
 * so the documentation cannot drift from what the server accepts. Named schemas go into
 * `apiSchemas` and become `components/schemas` entries.
 */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

const named = <T extends z.ZodType>(schema: T, id: string, description?: string): T => {
  apiSchemas.add(schema, { id, description });
  return schema;
};

export const ORDER_STATUSES = [
  "pending_order_review",
  "pending_finance_review",
  "pending_outbound_review",
  "pending_shipment",
  "pending_receipt",
  "completed",
  "sent_back",
  "cancelled",
] as const;

export const RETURN_STATUSES = [
  "pending_return_review",
  "pending_return_shipment",
  "pending_inbound_review",
  "pending_refund_review",
  "completed",
  "rejected",
  "cancelled",
] as const;

const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).describe("Money in integer fen (分).");
const signedFen = z
  .number()
  .int()
  .min(Number.MIN_SAFE_INTEGER)
  .max(Number.MAX_SAFE_INTEGER)
  .describe("Money in integer fen (分), signed.");
const instant = z.string().describe("An ISO-8601 UTC timestamp.");
const text = (max: number) => z.string().max(max);
const idempotencyKey = z
  .string()
  .min(1)
  .max(100)
  .describe("Chosen by the client, unique per logical submission; a retry sends the same key and body.");
const version = z
  .number()
  .int()
  .min(1)
  .max(Number.MAX_SAFE_INTEGER)
  .describe("The version the client last saw; a newer one on the server answers 409 stale_version.");
const quantity = z.number().int().min(-1_000_000_000).max(1_000_000_000);
const skuCode = z.string().min(1).max(64);
const pageLimit = z.coerce.number().int().min(1).max(500).optional().describe("Page size, 1–500 (default 50).");
const cursor = z.string().min(1).max(500).optional().describe("The `nextCursor` of the previous page.");

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export const ProblemSchema = named(
  z.object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().describe("Stable snake_case error code."),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  }),
  "Problem",
  "RFC 9457 problem details. Further members depend on `code` (e.g. `available`, `by`, `at`).",
);

// ---------------------------------------------------------------------------------------------
// Auth
// ---------------------------------------------------------------------------------------------

export const TokenRequestSchema = named(
  z.strictObject({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }),
  "TokenRequest",
);

export const TokenSchema = named(
  z.object({
    token: z.string().describe("Send as `Authorization: Bearer <token>`."),
    accountType: z.enum(["staff", "customer"]),
    expiresAt: instant,
  }),
  "Token",
);

export const MeSchema = named(
  z.object({
    accountType: z.enum(["staff", "customer"]),
    username: z.string(),
    displayName: z.string(),
    customer: z.object({ code: z.string(), name: z.string() }).optional(),
    permissions: z.array(z.enum(PERMISSIONS as [string, ...string[]])),
    regions: z
      .array(z.number().int())
      .nullable()
      .optional()
      .describe("Staff only: the region ids this account is limited to, or null for all."),
  }),
  "Me",
);

// ---------------------------------------------------------------------------------------------
// Catalog
// ---------------------------------------------------------------------------------------------

export const ProductQuerySchema = z.strictObject({
  q: z.string().max(100).optional().describe("Text in the product name, tags, SKU code, barcode or spec."),
  category: z.coerce.number().int().min(1).optional().describe("A category id; includes its sub-categories."),
  cursor,
  limit: pageLimit,
});

export const ProductSchema = named(
  z.object({
    skuCode: z.string(),
    productName: z.string(),
    spec: z.string(),
    unit: z.string(),
    price: fen.describe("For a customer its own price; for staff the base price (fen)."),
    retailPrice: fen,
    available: z
      .number()
      .int()
      .optional()
      .describe("Units available; shown to customers only when the stock display setting is `quantity`."),
    inStock: z.boolean().optional().describe("Shown to customers when the stock display setting is `flag`."),
    minQty: z.number().int(),
    maxQty: z.number().int().nullable(),
    multiple: z.number().int(),
    listed: z.boolean().optional().describe("Staff only."),
  }),
  "Product",
);

export const ProductPageSchema = named(
  z.object({ items: z.array(ProductSchema), nextCursor: z.string().nullable() }),
  "ProductPage",
);

// ---------------------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------------------

export const SubmitOrderSchema = named(
  z.strictObject({
    idempotencyKey,
    lines: z.array(z.strictObject({ skuCode, quantity })).min(1).max(500),
    addressId: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    requestedDeliveryDate: z.iso.date().optional(),
    remark: text(500).optional(),
    contractNo: text(64).optional(),
    customerCode: z.string().min(1).max(32).optional().describe("Staff with `order.create` only: order on behalf."),
  }),
  "SubmitOrder",
);

const customerRef = z.object({ code: z.string(), name: z.string() });
const totals = z.object({ goods: fen, freight: fen, discount: fen, payable: signedFen });

export const OrderSummarySchema = named(
  z.object({
    number: z.string(),
    status: z.enum(ORDER_STATUSES),
    version: z.number().int(),
    customer: customerRef,
    totals,
    createdAt: instant,
  }),
  "OrderSummary",
);

export const OrderPageSchema = named(
  z.object({ items: z.array(OrderSummarySchema), nextCursor: z.string().nullable() }),
  "OrderPage",
);

export const OrderQuerySchema = z.strictObject({
  status: z.enum(ORDER_STATUSES).optional(),
  customerCode: z.string().min(1).max(32).optional().describe("Staff only."),
  cursor,
  limit: pageLimit,
});

const timelineEntry = z.object({
  step: z.string().nullable().describe("The pipeline step the entry happened at, if any."),
  action: z.string(),
  actor: z.string(),
  actorKind: z.enum(["staff", "customer", "system"]),
  at: instant,
  note: z.string(),
  fromStatus: z.string().nullable(),
  toStatus: z.string(),
});

export const OrderSchema = named(
  z.object({
    number: z.string(),
    status: z.enum(ORDER_STATUSES),
    version: z.number().int(),
    customer: customerRef,
    lines: z.array(
      z.object({
        skuCode: z.string(),
        productName: z.string(),
        spec: z.string(),
        unit: z.string(),
        quantity: z.number().int(),
        unitPrice: fen,
        amount: fen,
      }),
    ),
    totals,
    address: z.object({ contactName: z.string(), phone: z.string(), address: z.string() }),
    requestedDeliveryDate: z.string().nullable(),
    remark: z.string(),
    contractNo: z.string(),
    createdAt: instant,
    payment: z
      .object({
        method: z.string(),
        paid: fen,
        prepaid: fen,
        rebate: fen,
        credit: fen,
      })
      .optional()
      .describe("Present once finance review has settled the order."),
    shipment: z
      .object({
        number: z.string(),
        warehouse: z.string(),
        carrier: z.string().nullable(),
        trackingNo: z.string().nullable(),
        selfPickup: z.boolean(),
        outboundAt: z.string().nullable(),
        shippedAt: z.string().nullable(),
      })
      .optional()
      .describe("Present once the goods have left the warehouse (for customers: once shipped)."),
    timeline: z.array(timelineEntry),
    changeSlips: z.array(
      z.object({
        at: instant,
        actor: z.string(),
        reason: z.string(),
        changes: z.array(
          z.object({ field: z.string(), sku: z.string().optional(), before: z.number(), after: z.number() }),
        ),
      }),
    ),
  }),
  "Order",
);

const note = text(500).optional();
const reason = z.string().min(1).max(500);
const shipment = z.union([
  z.strictObject({ carrier: z.string().min(1).max(50), trackingNo: z.string().min(1).max(50) }),
  z.strictObject({ selfPickup: z.literal(true) }),
]);

export const OrderActionSchema = named(
  z.discriminatedUnion("action", [
    z.strictObject({
      action: z.literal("approve"),
      version,
      note,
      payment: z
        .strictObject({
          method: z.enum(["prepaid", "rebate_and_prepaid", "credit", "offline"]),
          reference: text(100).optional(),
          overrideReason: text(500)
            .optional()
            .describe("With `customer.credit`: charge to credit beyond the limit, for this reason."),
        })
        .optional()
        .describe("Finance review: how the order is settled (default: from prepaid and rebate)."),
      shipment: shipment.optional().describe("Shipment confirmation: carrier and tracking number, or self-pickup."),
      warehouseCode: z.string().min(1).max(32).optional().describe("Order or outbound review: the warehouse."),
    }),
    z.strictObject({
      action: z.literal("send_back"),
      version,
      reason: reason.optional(),
      note: note.describe("The reason, when `reason` is not given."),
    }),
    z.strictObject({
      action: z.literal("void"),
      version,
      reason: reason.optional(),
      note: note.describe("The reason, when `reason` is not given."),
    }),
    z.strictObject({ action: z.literal("cancel"), version, note }),
    z.strictObject({ action: z.literal("resubmit"), version, note }),
    z.strictObject({ action: z.literal("confirm_receipt"), version, note }),
    z.strictObject({
      action: z.literal("amend"),
      version,
      lines: z
        .array(z.strictObject({ skuCode, quantity, unitPrice: fen.optional() }))
        .max(500)
        .default([])
        .describe("New quantity (0 removes the line) and optionally unit price, per SKU."),
      freight: fen.optional(),
      discount: fen.optional(),
      reason,
    }),
  ]),
  "OrderAction",
);

// ---------------------------------------------------------------------------------------------
// Returns
// ---------------------------------------------------------------------------------------------

export const CreateReturnSchema = named(
  z.strictObject({
    idempotencyKey,
    orderNumber: z.string().min(1).max(40),
    lines: z
      .array(
        z.strictObject({
          skuCode,
          quantity,
          reason: z.enum(["quality", "wrong_item", "damaged", "other"]),
          note: text(500).optional().describe("Required when the reason is `other`."),
        }),
      )
      .min(1)
      .max(200),
    note: text(500).optional(),
  }),
  "CreateReturn",
);

export const ReturnQuerySchema = z.strictObject({
  status: z.enum(RETURN_STATUSES).optional(),
  orderNumber: z.string().min(1).max(40).optional(),
  customerCode: z.string().min(1).max(32).optional().describe("Staff only."),
  cursor,
  limit: pageLimit,
});

export const ReturnSummarySchema = named(
  z.object({
    number: z.string(),
    orderNumber: z.string(),
    status: z.enum(RETURN_STATUSES),
    version: z.number().int(),
    customer: customerRef,
    lineCount: z.number().int(),
    requestedUnits: z.number().int(),
    refundAmount: fen.nullable(),
    createdAt: instant,
  }),
  "ReturnSummary",
);

export const ReturnPageSchema = named(
  z.object({ items: z.array(ReturnSummarySchema), nextCursor: z.string().nullable() }),
  "ReturnPage",
);

export const ReturnSchema = named(
  z.object({
    number: z.string(),
    orderNumber: z.string(),
    status: z.enum(RETURN_STATUSES),
    version: z.number().int(),
    customer: customerRef,
    note: z.string(),
    rejectReason: z.string(),
    createdAt: instant,
    createdBy: z.string(),
    lines: z.array(
      z.object({
        skuCode: z.string(),
        productName: z.string(),
        reason: z.enum(["quality", "wrong_item", "damaged", "other"]),
        note: z.string(),
        requestedQuantity: z.number().int(),
        approvedQuantity: z.number().int().nullable(),
        receivedQuantity: z.number().int().nullable(),
        disposition: z.enum(["restock", "rework", "downgrade", "scrap"]).nullable(),
        unitPaid: fen,
        refundAmount: fen.nullable(),
      }),
    ),
    shipment: z.object({
      carrier: z.string(),
      trackingNo: z.string(),
      dropOff: z.boolean(),
      at: z.string().nullable(),
    }),
    receivedAt: z.string().nullable(),
    refundAmount: fen.nullable(),
    refundReason: z.string(),
    refundedAt: z.string().nullable(),
    timeline: z.array(timelineEntry),
  }),
  "Return",
);

export const ReturnActionSchema = named(
  z.discriminatedUnion("action", [
    z.strictObject({
      action: z.literal("approve"),
      version,
      note,
      lines: z
        .array(
          z.strictObject({
            skuCode,
            approvedQuantity: quantity.optional().describe("Return review: units approved (default: as requested)."),
            receivedQuantity: quantity.optional().describe("Inbound review: units that arrived."),
            disposition: z
              .enum(["restock", "rework", "downgrade", "scrap"])
              .optional()
              .describe("Inbound review: what happens to them (default restock)."),
          }),
        )
        .max(200)
        .optional(),
      shipment: z
        .union([
          z.strictObject({ carrier: z.string().min(1).max(50), trackingNo: z.string().min(1).max(50) }),
          z.strictObject({ dropOff: z.literal(true) }),
        ])
        .optional()
        .describe("Ship-back step (the customer, or staff with `return.create`): how the goods come back."),
      warehouseCode: z.string().min(1).max(32).optional().describe("Inbound review: where restocked goods go."),
      refund: z
        .strictObject({ amount: fen, reason: text(500) })
        .optional()
        .describe("Refund review: an amount other than the computed one, with the reason."),
    }),
    z.strictObject({
      action: z.literal("reject"),
      version,
      reason: reason.optional(),
      note: note.describe("The reason, when `reason` is not given."),
    }),
    z.strictObject({ action: z.literal("cancel"), version, note }),
  ]),
  "ReturnAction",
);

// ---------------------------------------------------------------------------------------------
// Funds
// ---------------------------------------------------------------------------------------------

export const FundsSchema = named(
  z.object({
    prepaid: fen,
    rebate: fen,
    deposit: fen,
    creditLimit: fen,
    receivable: fen,
    availableToSpend: fen.describe("Prepaid + usable rebate + unused credit."),
  }),
  "Funds",
);

export const PaymentSchema = named(
  z.strictObject({
    idempotencyKey,
    account: z.enum(["prepaid", "rebate", "deposit"]),
    amount: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).describe("Fen, positive."),
    method: z.enum(PAYMENT_METHODS),
    reference: z.string().max(100),
    reason: text(500).optional(),
    businessDate: z.iso.date().optional().describe("Default: today in the deployment's time zone."),
  }),
  "Payment",
);

export const LedgerEntrySchema = named(
  z.object({
    id: z.number().int(),
    account: z.enum(["prepaid", "rebate", "deposit", "receivable"]),
    kind: z.enum(["recharge", "order_payment", "refund", "credit_charge", "repayment", "adjustment", "reversal"]),
    amount: signedFen,
    balanceAfter: signedFen,
    method: z.string().nullable(),
    reference: z.string(),
    reason: z.string(),
    businessDate: z.string(),
    reversalOf: z.number().int().nullable(),
    actor: z.string(),
    at: instant,
  }),
  "LedgerEntry",
);

export const LedgerPageSchema = named(
  z.object({ items: z.array(LedgerEntrySchema), nextCursor: z.string().nullable() }),
  "LedgerPage",
);

export const LedgerQuerySchema = z.strictObject({
  account: z.enum(["prepaid", "rebate", "deposit", "receivable"]).optional(),
  cursor,
  limit: pageLimit,
});

// ---------------------------------------------------------------------------------------------
// Settings
// ---------------------------------------------------------------------------------------------

export const WorkflowSchema = named(
  z.strictObject({
    orders: z.strictObject({
      order_review: z.boolean(),
      finance_review: z.boolean(),
      outbound_review: z.boolean(),
      shipment: z.boolean(),
      receipt: z.boolean(),
    }),
    returns: z.strictObject({
      return_review: z.boolean(),
      return_shipment: z.boolean(),
      inbound_review: z.boolean(),
      refund_review: z.boolean(),
    }),
    autoReceiptDays: z.number().int().min(0).max(365),
    allowOverselling: z.boolean(),
    stockDisplay: z.enum(["quantity", "flag", "hidden"]),
  }),
  "Workflow",
);

export const NoQuerySchema = z.strictObject({});
