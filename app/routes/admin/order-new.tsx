import { randomUUID } from "node:crypto";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { PageHeader } from "../../components/card";
import { DataTable, tdClass, thClass } from "../../components/data-table";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { ProblemText } from "../../components/problem-text";
import { RouteErrorBoundary } from "../../components/route-error";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { parsePadRows, splitPadText } from "../../domain/quick-order";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listCustomers } from "../../services/customers.server";
import { checkLines } from "../../services/order-lines.server";
import { submitOrder } from "../../services/orders.server";
import { getSettings } from "../../services/settings.server";
import type { Route } from "./+types/order-new";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

const querySchema = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  customer: z.string().trim().max(64).optional().catch(undefined),
  placed: z.string().max(40).optional().catch(undefined),
});

/** The chosen customer, if this staff member may see it (region scope), else null. */
async function findCustomer(grant: Parameters<typeof listCustomers>[1], code: string) {
  const { db } = getDatabase();
  const page = await listCustomers(db, grant, { q: code, limit: 20 });
  const hit = page.items.find((c) => c.code === code && c.active);
  if (!hit) return null;
  const addresses = await db
    .selectFrom("customer_addresses")
    .select(["id", "contact_name", "phone", "address"])
    .where("customer_id", "=", hit.id)
    .orderBy("is_default", "desc")
    .orderBy("id")
    .execute();
  return { id: hit.id, code: hit.code, name: hit.name, addresses };
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "order.create");
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const t = getI18n(context).t;
  const customer = query.customer ? await findCustomer(viewer.grant, query.customer) : null;
  const matches =
    !customer && query.q
      ? (await listCustomers(getDatabase().db, viewer.grant, { q: query.q, limit: 20 })).items.filter((c) => c.active)
      : [];
  return {
    title: `${t("orders.onBehalf.title")} · ${t("app.name")}`,
    q: query.q ?? "",
    placed: query.placed ?? null,
    customerNotFound: Boolean(query.customer && !customer),
    customer,
    matches: matches.map((c) => ({ code: c.code, name: c.name, regionName: c.regionName })),
    idempotencyKey: randomUUID(),
  };
}

const actionSchema = z.object({
  intent: z.enum(["check", "submit"]),
  customer: z.string().trim().min(1).max(64),
  idempotencyKey: z.string().uuid(),
  text: z.string().max(50_000),
  addressId: z.string().regex(/^\d*$/),
  remark: z.string().trim().max(500).default(""),
});

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "order.create");
  const { db } = getDatabase();
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) throw data(null, { status: 400 });
  const input = parsed.data;
  // A customer outside this staff member's regions answers like one that does not exist.
  const customer = await findCustomer(viewer.grant, input.customer);
  if (!customer) throw data(null, { status: 404 });
  const pad = parsePadRows(splitPadText(input.text));
  const base = { text: input.text, addressId: input.addressId, remark: input.remark, unreadable: pad.unreadable };
  if (!pad.lines.length) return data({ ...base, message: "orders.onBehalf.noLines", lines: [] }, { status: 400 });
  const checked = await checkLines(db, customer.id, pad.lines, await getSettings(db));
  const lines = checked.map((l, i) => ({
    lineNo: pad.lines[i]!.lineNo,
    skuCode: l.input.skuCode,
    quantity: l.input.quantity,
    productName: l.sku?.productName ?? null,
    spec: l.sku?.spec ?? "",
    unitPrice: l.unitPrice,
    problem: l.problem,
  }));
  const bad = pad.unreadable.length > 0 || checked.some((l) => l.problem);
  if (input.intent === "check" || bad) {
    return data({ ...base, message: bad ? "orders.onBehalf.fixLines" : null, lines }, { status: bad ? 400 : 200 });
  }
  const result = await submitOrder(
    db,
    actorOf(viewer, context),
    {
      customerId: customer.id,
      idempotencyKey: input.idempotencyKey,
      lines: pad.lines,
      addressId: input.addressId ? Number(input.addressId) : null,
      remark: input.remark,
    },
    new Date(),
  );
  if (result.ok)
    return redirect(
      `/admin/orders/new?placed=${encodeURIComponent(result.order.number)}&customer=${encodeURIComponent(customer.code)}`,
    );
  const message = result.error === "idempotency_key_reused" ? "orders.onBehalf.reused" : "orders.onBehalf.fixLines";
  return data({ ...base, message, lines }, { status: result.error === "idempotency_key_reused" ? 409 : 422 });
}

export default function OrderOnBehalf({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { customer, matches, placed } = loaderData;
  // Only lines that can be ordered count towards the total.
  const total = actionData?.lines.reduce((sum, l) => sum + (l.problem ? 0 : (l.unitPrice ?? 0) * l.quantity), 0) ?? 0;
  return (
    <>
      <PageHeader title={t("orders.onBehalf.title")} />
      <p className="-mt-2 mb-4 text-sm text-slate-600">{t("orders.onBehalf.intro")}</p>
      {placed && customer ? (
        <div className="mb-4">
          <Notice tone="success">{t("orders.onBehalf.placed", { number: placed, customer: customer.name })}</Notice>
        </div>
      ) : null}
      {loaderData.customerNotFound ? (
        <div className="mb-4">
          <Notice tone="error">{t("orders.onBehalf.noCustomer")}</Notice>
        </div>
      ) : null}
      {!customer ? (
        <section className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 className="mb-2 font-medium">{t("orders.onBehalf.findCustomer")}</h2>
          <Form method="get" className="flex gap-2" role="search">
            <label htmlFor="customer-q" className="sr-only">
              {t("orders.onBehalf.customerSearch")}
            </label>
            <input
              id="customer-q"
              name="q"
              defaultValue={loaderData.q}
              placeholder={t("orders.onBehalf.customerSearch")}
              className="min-h-10 w-72 rounded-md border border-slate-300 px-3 text-sm"
            />
            <button type="submit" className={buttonClass("secondary")}>
              {t("common.search")}
            </button>
          </Form>
          {matches.length ? (
            <ul className="mt-3 divide-y divide-slate-100">
              {matches.map((c) => (
                <li key={c.code} className="flex items-center justify-between py-2 text-sm">
                  <span>
                    <span className="font-mono">{c.code}</span> {c.name}{" "}
                    <span className="text-slate-500">{c.regionName}</span>
                  </span>
                  <Link to={`?customer=${encodeURIComponent(c.code)}`} className={buttonClass("secondary")}>
                    {t("orders.onBehalf.choose")}
                  </Link>
                </li>
              ))}
            </ul>
          ) : loaderData.q ? (
            <p className="mt-3 text-sm text-slate-500">{t("common.noResults")}</p>
          ) : null}
        </section>
      ) : (
        <Form method="post" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
          <div className="flex flex-wrap items-center justify-between gap-2">
            <p className="font-medium">
              <span className="font-mono">{customer.code}</span> {customer.name}
            </p>
            <Link to="/admin/orders/new" className="text-sm text-brand-700 underline">
              {t("orders.onBehalf.change")}
            </Link>
          </div>
          <input type="hidden" name="customer" value={customer.code} />
          <input type="hidden" name="idempotencyKey" value={loaderData.idempotencyKey} />
          <label className="block">
            <span className="mb-1 block text-sm font-medium text-slate-700">{t("orders.onBehalf.linesLabel")}</span>
            <textarea
              name="text"
              rows={8}
              defaultValue={actionData?.text ?? ""}
              placeholder={t("shop.quick.pastePlaceholder")}
              className="block w-full rounded-md border border-slate-300 p-3 font-mono text-sm"
            />
          </label>
          <div className="grid gap-3 md:grid-cols-2">
            <label className="block text-sm">
              <span className="mb-1 block font-medium text-slate-700">{t("orders.onBehalf.address")}</span>
              <select
                name="addressId"
                defaultValue={actionData?.addressId ?? String(customer.addresses[0]?.id ?? "")}
                className="min-h-10 w-full rounded-md border border-slate-300 px-2"
              >
                {customer.addresses.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.contact_name} {a.phone} {a.address}
                  </option>
                ))}
                {customer.addresses.length === 0 ? <option value="">—</option> : null}
              </select>
            </label>
            <label className="block text-sm">
              <span className="mb-1 block font-medium text-slate-700">{t("shop.checkout.remark")}</span>
              <input
                name="remark"
                defaultValue={actionData?.remark ?? ""}
                maxLength={500}
                className="min-h-10 w-full rounded-md border border-slate-300 px-3"
              />
            </label>
          </div>
          {actionData?.message ? <Notice tone="error">{t(actionData.message)}</Notice> : null}
          {actionData?.unreadable.map((line) => (
            <Notice key={line} tone="error">
              {t("orders.onBehalf.unreadable", { line })}
            </Notice>
          ))}
          {actionData?.lines.length ? (
            <DataTable>
              <thead className="bg-slate-50">
                <tr>
                  <th className={thClass}>{t("shop.quick.line")}</th>
                  <th className={thClass}>{t("orders.line.sku")}</th>
                  <th className={thClass}>{t("orders.line.product")}</th>
                  <th className={`${thClass} text-right`}>{t("orders.line.quantity")}</th>
                  <th className={`${thClass} text-right`}>{t("orders.line.unitPrice")}</th>
                  <th className={`${thClass} text-right`}>{t("orders.line.amount")}</th>
                  <th className={thClass}>{t("common.status")}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {actionData.lines.map((l) => (
                  <tr key={l.lineNo} className={l.problem ? "bg-red-50/50" : ""}>
                    <td className={tdClass}>{l.lineNo}</td>
                    <td className={`${tdClass} font-mono`}>{l.skuCode}</td>
                    <td className={tdClass}>
                      {l.productName ?? "—"} <span className="text-xs text-slate-500">{l.spec}</span>
                    </td>
                    <td className={`${tdClass} text-right tabular-nums`}>{l.quantity}</td>
                    <td className={`${tdClass} text-right`}>
                      {l.unitPrice !== null ? <Money fen={l.unitPrice} /> : "—"}
                    </td>
                    <td className={`${tdClass} text-right`}>
                      {l.unitPrice !== null ? <Money fen={l.unitPrice * l.quantity} /> : "—"}
                    </td>
                    <td className={tdClass}>
                      {l.problem ? (
                        <ProblemText problem={l.problem} />
                      ) : (
                        <span className="text-emerald-700">{t("shop.quick.ok")}</span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td colSpan={5} className={`${tdClass} text-right font-medium`}>
                    {t("orders.onBehalf.total")}
                  </td>
                  <td className={`${tdClass} text-right font-semibold`}>
                    <Money fen={total} />
                  </td>
                  <td />
                </tr>
              </tfoot>
            </DataTable>
          ) : null}
          <div className="flex gap-2">
            <Button
              type="submit"
              name="intent"
              value="check"
              variant="secondary"
              disabled={navigation.state !== "idle"}
            >
              {t("orders.onBehalf.check")}
            </Button>
            <Button type="submit" name="intent" value="submit" disabled={navigation.state !== "idle"}>
              {t("orders.onBehalf.submit")}
            </Button>
          </div>
        </Form>
      )}
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
