import { randomUUID } from "node:crypto";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, KeysetPager, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { StatusBadge } from "../../components/status-badge";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { RETURN_REASON_OPTIONS } from "../../forms/returns-admin-form";
import { readUploadForm } from "../../http/upload.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listCustomers } from "../../services/customers.server";
import { IMAGE_MAX_BYTES } from "../../services/images.server";
import { getOrder } from "../../services/orders.server";
import { returnableOrders } from "../../services/returnable-orders.server";
import { createReturn, RETURN_PHOTO_LIMIT, type ReturnReason, returnableLines } from "../../services/returns.server";
import type { Route } from "./+types/return-new";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

const querySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  customer: z.string().trim().max(64).optional().catch(undefined),
  order: z.string().trim().max(40).optional().catch(undefined),
  cursor: z.coerce.number().int().positive().optional().catch(undefined),
});

/** The chosen customer, if this staff member may see it (region scope), else null. */
async function findCustomer(grant: Parameters<typeof listCustomers>[1], code: string) {
  const page = await listCustomers(getDatabase().db, grant, { q: code, limit: 20 });
  const hit = page.items.find((c) => c.code === code);
  return hit ? { id: hit.id, code: hit.code, name: hit.name } : null;
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "return.create");
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const { db } = getDatabase();
  const t = getI18n(context).t;
  const base = {
    title: `${t("returnsAdmin.new.title")} · ${t("app.name")}`,
    q: query.q ?? "",
    idempotencyKey: randomUUID(),
    photoLimit: RETURN_PHOTO_LIMIT,
  };

  if (query.order) {
    // An order outside this member's regions answers like one that does not exist.
    const [order, returnable] = await Promise.all([
      getOrder(db, query.order, { regionIds: viewer.grant.regionIds }),
      returnableLines(db, { kind: "staff", grant: viewer.grant }, query.order),
    ]);
    if (order && returnable)
      return {
        ...base,
        step: "lines" as const,
        customer: order.customer,
        order: { number: order.number, status: order.status, createdAt: order.createdAt, ...returnable },
      };
    return { ...base, step: "find" as const, orderNotFound: query.order, matches: [] };
  }
  if (query.customer) {
    const customer = await findCustomer(viewer.grant, query.customer);
    if (customer) {
      const page = await returnableOrders(db, customer.id, { before: query.cursor, limit: 20 });
      return { ...base, step: "orders" as const, customer, ...page };
    }
    return { ...base, step: "find" as const, customerNotFound: true, matches: [] };
  }
  const matches = query.q ? (await listCustomers(db, viewer.grant, { q: query.q, limit: 20 })).items : [];
  return {
    ...base,
    step: "find" as const,
    matches: matches.map((c) => ({ code: c.code, name: c.name, regionName: c.regionName })),
  };
}

type Message = { key: string; params?: Record<string, unknown> };
type ActionData = { notice?: Message; fieldErrors: Record<string, Message>; values: Record<string, string> };

// Up to the photo limit of full-size images plus the short fields; more is cut off as it streams in.
const UPLOAD_LIMIT = RETURN_PHOTO_LIMIT * IMAGE_MAX_BYTES + 256 * 1024;

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "return.create");
  const upload = await readUploadForm(request, UPLOAD_LIMIT);
  if (!upload.ok) {
    const key = upload.error === "tooLarge" ? "returnsAdmin.new.uploadTooLarge" : "returnsAdmin.new.uploadMalformed";
    return data<ActionData>({ fieldErrors: { photos: { key } }, values: {} }, { status: 413 });
  }
  const form = upload.form;
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") values[key] = value;
  const orderNumber = (values.order ?? "").trim();
  const idempotencyKey = (values.idempotencyKey ?? "").trim();
  if (!orderNumber || !/^[0-9a-f-]{36}$/.test(idempotencyKey)) throw data(null, { status: 400 });

  const fieldErrors: Record<string, Message> = {};
  const lines: Array<{ orderLineId: number; quantity: number; reason: ReturnReason; note: string }> = [];
  for (const [key, raw] of Object.entries(values)) {
    const m = /^qty_(\d+)$/.exec(key);
    if (!m || !raw.trim()) continue;
    const orderLineId = Number(m[1]);
    if (!/^\d{1,9}$/.test(raw.trim())) {
      fieldErrors[key] = { key: "returns.error.invalid_quantity" };
      continue;
    }
    const quantity = Number(raw);
    if (quantity === 0) continue;
    const reason = values[`reason_${orderLineId}`] as ReturnReason;
    if (!RETURN_REASON_OPTIONS.includes(reason)) {
      fieldErrors[`reason_${orderLineId}`] = { key: "returnsAdmin.new.reasonRequired" };
      continue;
    }
    const note = (values[`note_${orderLineId}`] ?? "").trim().slice(0, 200);
    if (reason === "other" && !note) fieldErrors[`note_${orderLineId}`] = { key: "returns.error.note_required" };
    lines.push({ orderLineId, quantity, reason, note });
  }
  if (Object.keys(fieldErrors).length) return data<ActionData>({ fieldErrors, values }, { status: 400 });
  if (!lines.length)
    return data<ActionData>({ notice: { key: "returns.error.no_lines" }, fieldErrors, values }, { status: 400 });

  const files = form.getAll("photos").filter((f): f is File => typeof f !== "string" && f.size > 0);
  const result = await createReturn(
    getDatabase().db,
    { ...actorOf(viewer, context), kind: "staff", grant: viewer.grant },
    {
      orderNumber,
      idempotencyKey,
      lines,
      note: (values.note ?? "").trim().slice(0, 500),
      photos: await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer()))),
    },
    new Date(),
  );
  if (result.ok) return redirect(`/admin/returns/${encodeURIComponent(result.return.number)}?created=1`);
  const t = getI18n(context).t;
  switch (result.error) {
    case "not_found":
      throw data(null, { status: 404 });
    case "not_permitted":
      throw data(null, { status: 403 });
    case "exceeds_returnable":
      fieldErrors[`qty_${result.orderLineId}`] = {
        key: "returns.error.exceeds_returnable",
        params: { returnable: result.returnable },
      };
      break;
    case "note_required":
      fieldErrors[`note_${result.orderLineId}`] = { key: "returns.error.note_required" };
      break;
    case "too_many_photos":
      fieldErrors.photos = { key: "returns.error.too_many_photos", params: { limit: RETURN_PHOTO_LIMIT } };
      break;
    case "photo":
      fieldErrors.photos = {
        key: "returns.error.photo",
        params: { index: result.index + 1, problem: t(`returnsAdmin.photoProblem.${result.rejection}`) },
      };
      break;
    default:
      return data<ActionData>(
        { notice: { key: `returns.error.${result.error}` }, fieldErrors, values },
        { status: result.error === "idempotency_key_reused" ? 409 : 422 },
      );
  }
  return data<ActionData>({ fieldErrors, values }, { status: 422 });
}

const control = "min-h-9 w-full rounded border px-2 text-sm";
const border = (error?: unknown) => (error ? "border-red-500" : "border-slate-300");

function FieldError({ id, error }: { id: string; error?: Message }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p id={id} className="mt-1 text-xs text-red-600">
      {t(error.key, error.params)}
    </p>
  );
}

export default function ReturnOnBehalf({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  return (
    <>
      <Link to="/admin/returns" className="text-sm text-brand-700">
        ← {t("returnsAdmin.list.title")}
      </Link>
      <PageHeader title={t("returnsAdmin.new.title")} />
      <p className="-mt-2 mb-4 text-sm text-slate-600">{t("returnsAdmin.new.intro")}</p>
      {loaderData.step === "find" ? <FindStep data={loaderData} /> : null}
      {loaderData.step === "orders" ? <OrdersStep data={loaderData} /> : null}
      {loaderData.step === "lines" ? (
        <LinesStep data={loaderData} failed={(actionData as ActionData | undefined) ?? null} />
      ) : null}
    </>
  );
}

type LoaderData = Route.ComponentProps["loaderData"];

/** Step 1: find the customer, or type the order number straight away. */
function FindStep({ data: d }: { data: Extract<LoaderData, { step: "find" }> }) {
  const { t } = useTranslation();
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-medium">{t("returnsAdmin.new.findCustomer")}</h2>
        {"customerNotFound" in d && d.customerNotFound ? (
          <div className="mb-3">
            <Notice tone="error">{t("returnsAdmin.new.customerNotFound")}</Notice>
          </div>
        ) : null}
        <Form method="get" className="flex gap-2" role="search">
          <label htmlFor="customer-q" className="sr-only">
            {t("returnsAdmin.new.customerSearch")}
          </label>
          <input
            id="customer-q"
            name="q"
            defaultValue={d.q}
            placeholder={t("returnsAdmin.new.customerSearch")}
            className="min-h-10 w-full max-w-72 rounded-md border border-slate-300 px-3 text-sm"
          />
          <button type="submit" className={buttonClass("secondary")}>
            {t("common.search")}
          </button>
        </Form>
        {d.matches.length ? (
          <ul className="mt-3 divide-y divide-slate-100" data-testid="customer-matches">
            {d.matches.map((c) => (
              <li key={c.code} className="flex items-center justify-between gap-2 py-2 text-sm">
                <span>
                  <span className="font-mono">{c.code}</span> {c.name}{" "}
                  <span className="text-slate-500">{c.regionName}</span>
                </span>
                <Link to={`?customer=${encodeURIComponent(c.code)}`} className={buttonClass("secondary")}>
                  {t("returnsAdmin.new.choose")}
                </Link>
              </li>
            ))}
          </ul>
        ) : d.q ? (
          <p className="mt-3 text-sm text-slate-500">{t("common.noResults")}</p>
        ) : null}
      </section>
      <section className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="mb-2 font-medium">{t("returnsAdmin.new.byOrderNumber")}</h2>
        {"orderNotFound" in d && d.orderNotFound ? (
          <div className="mb-3">
            <Notice tone="error">{t("returnsAdmin.new.orderNotFound", { number: d.orderNotFound })}</Notice>
          </div>
        ) : null}
        <Form method="get" className="flex gap-2">
          <label htmlFor="order-number" className="sr-only">
            {t("returns.order")}
          </label>
          <input
            id="order-number"
            name="order"
            placeholder="DH20260101-0001"
            defaultValue={"orderNotFound" in d ? (d.orderNotFound ?? "") : ""}
            className="min-h-10 w-full max-w-72 rounded-md border border-slate-300 px-3 font-mono text-sm"
          />
          <button type="submit" className={buttonClass("secondary")}>
            {t("returnsAdmin.new.open")}
          </button>
        </Form>
      </section>
    </div>
  );
}

/** Step 2: the customer's shipped orders that still have units to return. */
function OrdersStep({ data: d }: { data: Extract<LoaderData, { step: "orders" }> }) {
  const { t } = useTranslation();
  return (
    <section className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium">
          <span className="font-mono">{d.customer.code}</span> {d.customer.name}
        </p>
        <Link to="/admin/returns/new" className="text-sm text-brand-700 underline">
          {t("returnsAdmin.new.change")}
        </Link>
      </div>
      <h2 className="text-sm font-semibold text-slate-700">{t("returnsAdmin.new.returnableOrders")}</h2>
      <DataTable caption={t("returnsAdmin.new.returnableOrders")}>
        <thead className="bg-slate-50">
          <tr>
            <th className={thClass}>{t("returns.order")}</th>
            <th className={thClass}>{t("returnsAdmin.columns.status")}</th>
            <th className={thClass}>{t("returnsAdmin.new.orderedAt")}</th>
            <th className={`${thClass} text-right`}>{t("returns.line.shipped")}</th>
            <th className={`${thClass} text-right`}>{t("returns.line.returned")}</th>
            <th className={`${thClass} text-right`}>{t("returns.line.returnable")}</th>
            <th className={thClass}>
              <span className="sr-only">{t("common.actions")}</span>
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {d.items.map((o) => (
            <tr key={o.id} data-testid="returnable-order">
              <td className={`${tdClass} font-mono`}>{o.number}</td>
              <td className={tdClass}>
                <StatusBadge status={o.status} label={t(`orders.status.${o.status}`)} />
              </td>
              <td className={`${tdClass} whitespace-nowrap`}>
                <DateTime iso={o.createdAt} />
              </td>
              <td className={`${tdClass} text-right tabular-nums`}>{o.shipped}</td>
              <td className={`${tdClass} text-right tabular-nums`}>{o.claimed}</td>
              <td className={`${tdClass} text-right tabular-nums font-medium`}>{o.returnable}</td>
              <td className={`${tdClass} text-right`}>
                <Link to={`?order=${encodeURIComponent(o.number)}`} className={buttonClass("secondary", "min-h-8")}>
                  {t("returnsAdmin.new.choose")}
                </Link>
              </td>
            </tr>
          ))}
          {d.items.length === 0 ? (
            <tr>
              <td colSpan={7} className="px-3 py-8 text-center text-slate-500">
                {t("returnsAdmin.new.noReturnableOrders")}
              </td>
            </tr>
          ) : null}
        </tbody>
      </DataTable>
      <KeysetPager nextCursor={d.nextCursor} labels={{ first: t("common.first"), next: t("common.next") }} />
    </section>
  );
}

/** Step 3: quantity, reason and note per line, optional photos. */
function LinesStep({ data: d, failed }: { data: Extract<LoaderData, { step: "lines" }>; failed: ActionData | null }) {
  const { t } = useTranslation();
  const busy = useNavigation().state !== "idle";
  const v = failed?.values ?? {};
  const errors = failed?.fieldErrors ?? {};
  const { order } = d;
  const anyReturnable = order.canReturn && order.lines.some((l) => l.returnable > 0);
  return (
    <Form
      method="post"
      encType="multipart/form-data"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4"
      data-testid="return-new-form"
    >
      <input type="hidden" name="order" value={order.orderNumber} />
      <input type="hidden" name="idempotencyKey" value={v.idempotencyKey ?? d.idempotencyKey} />
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="font-medium">
          <span className="font-mono">{d.customer.code}</span> {d.customer.name} ·{" "}
          <span className="font-mono">{order.orderNumber}</span>{" "}
          <StatusBadge status={order.orderStatus} label={t(`orders.status.${order.orderStatus}`)} />
        </p>
        <Link
          to={`/admin/returns/new?customer=${encodeURIComponent(d.customer.code)}`}
          className="text-sm text-brand-700 underline"
        >
          {t("returnsAdmin.new.otherOrder")}
        </Link>
      </div>
      {!order.canReturn ? <Notice tone="warning">{t("returns.error.not_returnable")}</Notice> : null}
      {order.canReturn && !anyReturnable ? <Notice tone="info">{t("returnsAdmin.new.nothingLeft")}</Notice> : null}
      {failed?.notice ? <Notice tone="error">{t(failed.notice.key, failed.notice.params)}</Notice> : null}
      <DataTable caption={t("returnsAdmin.new.linesCaption")}>
        <thead className="bg-slate-50">
          <tr>
            <th className={thClass}>{t("returnsAdmin.columns.product")}</th>
            <th className={`${thClass} text-right`}>{t("returns.line.shipped")}</th>
            <th className={`${thClass} text-right`}>{t("returns.line.returned")}</th>
            <th className={`${thClass} text-right`}>{t("returns.line.returnable")}</th>
            <th className={`${thClass} text-right`}>{t("returns.line.unitPaid")}</th>
            <th className={`${thClass} w-24`}>{t("returnsAdmin.new.quantity")}</th>
            <th className={`${thClass} w-36`}>{t("returns.line.reason")}</th>
            <th className={thClass}>{t("returns.line.note")}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {order.lines.map((l) => {
            const id = l.orderLineId;
            const disabled = !order.canReturn || l.returnable === 0;
            const qtyError = errors[`qty_${id}`];
            const reasonError = errors[`reason_${id}`];
            const noteError = errors[`note_${id}`];
            return (
              <tr key={id} className={disabled ? "text-slate-400" : ""} data-testid={`returnable-${l.skuCode}`}>
                <td className={tdClass}>
                  <span className="font-mono text-xs text-slate-500">{l.skuCode}</span>
                  <span className="block">
                    {l.productName} <span className="text-xs text-slate-500">{l.spec}</span>
                  </span>
                </td>
                <td className={`${tdClass} text-right tabular-nums`}>
                  {l.shipped} {l.unit}
                </td>
                <td className={`${tdClass} text-right tabular-nums`}>{l.claimed}</td>
                <td className={`${tdClass} text-right tabular-nums font-medium`}>{l.returnable}</td>
                <td className={`${tdClass} text-right`}>
                  <Money fen={l.unitPaid} />
                </td>
                <td className={tdClass}>
                  <input
                    name={`qty_${id}`}
                    inputMode="numeric"
                    disabled={disabled}
                    placeholder="0"
                    aria-label={`${l.skuCode} ${t("returnsAdmin.new.quantity")}`}
                    aria-invalid={qtyError ? true : undefined}
                    aria-describedby={qtyError ? `qty_${id}-error` : undefined}
                    defaultValue={v[`qty_${id}`] ?? ""}
                    className={`${control} ${border(qtyError)} text-right`}
                  />
                  <FieldError id={`qty_${id}-error`} error={qtyError} />
                </td>
                <td className={tdClass}>
                  <select
                    name={`reason_${id}`}
                    disabled={disabled}
                    aria-label={`${l.skuCode} ${t("returns.line.reason")}`}
                    aria-invalid={reasonError ? true : undefined}
                    defaultValue={v[`reason_${id}`] ?? "quality"}
                    className={`${control} ${border(reasonError)}`}
                  >
                    {RETURN_REASON_OPTIONS.map((r) => (
                      <option key={r} value={r}>
                        {t(`returns.reason.${r}`)}
                      </option>
                    ))}
                  </select>
                  <FieldError id={`reason_${id}-error`} error={reasonError} />
                </td>
                <td className={tdClass}>
                  <input
                    name={`note_${id}`}
                    disabled={disabled}
                    maxLength={200}
                    aria-label={`${l.skuCode} ${t("returns.line.note")}`}
                    aria-invalid={noteError ? true : undefined}
                    aria-describedby={noteError ? `note_${id}-error` : undefined}
                    defaultValue={v[`note_${id}`] ?? ""}
                    className={`${control} ${border(noteError)}`}
                  />
                  <FieldError id={`note_${id}-error`} error={noteError} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </DataTable>
      <div className="grid gap-4 md:grid-cols-2">
        <label className="block text-sm">
          <span className="mb-1 block font-medium text-slate-700">{t("returnsAdmin.new.note")}</span>
          <textarea
            name="note"
            rows={2}
            maxLength={500}
            defaultValue={v.note ?? ""}
            className="block w-full rounded-md border border-slate-300 px-3 py-2 text-sm"
          />
        </label>
        <div className="text-sm">
          <label htmlFor="return-photos" className="mb-1 block font-medium text-slate-700">
            {t("returnsAdmin.new.photos")}
          </label>
          <input
            id="return-photos"
            type="file"
            name="photos"
            multiple
            accept="image/png,image/jpeg,image/webp"
            aria-invalid={errors.photos ? true : undefined}
            aria-describedby={errors.photos ? "return-photos-error" : "return-photos-hint"}
            className="block w-full text-sm file:mr-3 file:min-h-9 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:text-sm"
          />
          <p id="return-photos-hint" className="mt-1 text-xs text-slate-500">
            {t("returnsAdmin.new.photosHint", { limit: d.photoLimit })}
          </p>
          <FieldError id="return-photos-error" error={errors.photos} />
        </div>
      </div>
      <Button type="submit" disabled={busy || !anyReturnable}>
        {t("returnsAdmin.new.submit")}
      </Button>
    </Form>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
