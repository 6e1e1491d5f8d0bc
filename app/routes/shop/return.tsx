import { data, Form, Link, useNavigation, useRouteLoaderData } from "react-router";
import { actorOf, requireCustomer } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { DateTime } from "../../components/date-time";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { OrderTimeline } from "../../components/order-timeline";
import { RouteErrorBoundary } from "../../components/route-error";
import { StatusBadge } from "../../components/status-badge";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { RETURN_CUSTOMER_CANCELLABLE } from "../../domain/return-pipeline";
import { cancelReturnSchema, shipBackSchema } from "../../forms/shop-return-form";
import { useZodForm } from "../../forms/use-zod-form";
import { parseForm } from "../../http/forms";
import { formatDateTime } from "../../i18n/format";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { getReturn, performReturnAction, type ReturnActionError } from "../../services/returns.server";
import type { Route } from "./+types/return";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  // Another customer's return number answers exactly like one that does not exist.
  const ret = await getReturn(getDatabase().db, { kind: "customer", customerId: viewer.customer.id }, params.number);
  if (!ret) throw data(null, { status: 404 });
  return {
    title: getI18n(context).t("returnsShop.detail.title", { number: ret.number }),
    ret: {
      number: ret.number,
      orderNumber: ret.orderNumber,
      status: ret.status,
      version: ret.version,
      createdAt: ret.createdAt,
      createdBy: ret.createdBy,
      note: ret.note,
      rejectReason: ret.rejectReason,
      shipment: ret.shipment,
      receivedAt: ret.receivedAt,
      refundAmount: ret.refundAmount,
      refundReason: ret.refundReason,
      refundedAt: ret.refundedAt,
      photos: ret.photos,
      lines: ret.lines,
      timeline: ret.timeline,
    },
    created: new URL(request.url).searchParams.get("created") === "1",
    cancellable: (RETURN_CUSTOMER_CANCELLABLE as readonly string[]).includes(ret.status),
  };
}

type ActionData =
  | { ok: true; message: string; status: string }
  | {
      ok: false;
      /** The refusal, translated on the page so it follows the reader's language. */
      error?: ReturnActionError;
      fieldErrors: Record<string, string>;
      values: Record<string, string>;
    };

export async function action({ request, context, params }: Route.ActionArgs) {
  const viewer = requireCustomer(request, context);
  const form = await request.formData();
  const intent = form.get("intent");
  const parsed = intent === "cancel" ? parseForm(cancelReturnSchema, form) : parseForm(shipBackSchema, form);
  if (!parsed.ok)
    return data<ActionData>({ ok: false, fieldErrors: parsed.fieldErrors, values: parsed.values }, { status: 400 });
  const input = parsed.data;
  const result = await performReturnAction(
    getDatabase().db,
    { ...actorOf(viewer, context), kind: "customer", customerId: viewer.customer.id },
    params.number,
    input.intent === "cancel"
      ? { type: "cancel", version: input.version }
      : {
          type: "ship_back",
          version: input.version,
          shipment: input.dropOff ? { dropOff: true } : { carrier: input.carrier, trackingNo: input.trackingNo },
        },
    new Date(),
  );
  if (result.ok)
    return data<ActionData>({
      ok: true,
      message: input.intent === "cancel" ? "returnsShop.detail.cancelled" : "returnsShop.detail.shippedBack",
      status: result.status,
    });
  if (result.code === "not_found") throw data(null, { status: 404 });
  const { ok: _, ...error } = result;
  const values: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string") values[key] = value;
  return data<ActionData>({ ok: false, error, fieldErrors: {}, values }, { status: 409 });
}

/** A refusal from the returns service in the reader's language. */
function useRefusalText() {
  const { t, i18n } = useTranslation();
  const root = useRouteLoaderData("root") as { timeZone?: string } | undefined;
  return (error: ReturnActionError) => {
    switch (error.code) {
      case "already_handled":
        return error.by && error.at
          ? t("returns.error.already_handled", {
              by: error.by === "system" ? t("orders.actorKind.system") : error.by,
              at: formatDateTime(error.at, i18n.language, root?.timeZone ?? "Asia/Shanghai"),
              status: t(`returns.status.${error.status}`),
            })
          : t("returns.error.already_handled_anon", { status: t(`returns.status.${error.status}`) });
      case "exceeds_paid":
        return t("returns.error.exceeds_paid", { refundable: error.refundable });
      default:
        return t(`returns.error.${error.code}`);
    }
  };
}

export default function ReturnPage({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const refusal = useRefusalText();
  const navigation = useNavigation();
  const { ret, created, cancellable } = loaderData;
  const result = actionData as ActionData | undefined;
  const dash = "—";
  return (
    <>
      <Link to="/shop/returns" className="text-sm text-brand-700">
        ← {t("returnsShop.title")}
      </Link>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-semibold">{ret.number}</h1>
        <StatusBadge status={ret.status} label={t(`returns.status.${ret.status}`)} />
      </div>
      <p className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-sm text-slate-500">
        <span>
          {t("returns.order")}{" "}
          <Link
            to={`/shop/orders/${encodeURIComponent(ret.orderNumber)}`}
            className="font-mono text-brand-700 underline"
          >
            {ret.orderNumber}
          </Link>
        </span>
        <span>
          <DateTime iso={ret.createdAt} />
        </span>
      </p>
      <div className="mt-3 space-y-2">
        {created ? (
          <Notice tone="success">
            {t(
              ret.status === "pending_return_review" ? "returnsShop.detail.created" : "returnsShop.detail.createdMoved",
              { status: t(`returns.status.${ret.status}`) },
            )}
          </Notice>
        ) : null}
        {result?.ok ? <Notice tone="success">{t(result.message)}</Notice> : null}
        {result && !result.ok && result.error ? <Notice tone="error">{refusal(result.error)}</Notice> : null}
        {ret.status === "rejected" && ret.rejectReason ? (
          <Notice tone="error">
            {t("returns.rejectReason")}: {ret.rejectReason}
          </Notice>
        ) : null}
      </div>

      {/* Phones: what to do next first, then the goods, then the history; desks: goods left, the rest right. */}
      <div className="mt-4 grid gap-6 lg:grid-cols-3 lg:grid-rows-[auto_1fr] lg:items-start">
        <div className="min-w-0 space-y-4 lg:col-span-2 lg:col-start-1 lg:row-span-2 lg:row-start-1">
          <section>
            <h2 className="mb-2 text-base font-semibold">{t("returnsShop.detail.lines")}</h2>
            <ul className="space-y-2">
              {ret.lines.map((l) => (
                <li
                  key={l.id}
                  className="rounded-lg border border-slate-200 bg-white p-3"
                  data-testid={`return-detail-line-${l.skuCode}`}
                >
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <p className="min-w-0 font-medium">
                      {l.productName} <span className="font-mono text-xs text-slate-500">{l.skuCode}</span>
                    </p>
                    <span className="text-sm text-slate-600">
                      {l.note
                        ? t("returnsShop.detail.reasonWithNote", {
                            reason: t(`returns.reason.${l.reason}`),
                            note: l.note,
                          })
                        : t(`returns.reason.${l.reason}`)}
                    </span>
                  </div>
                  <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-3 md:grid-cols-6">
                    <Figure label={t("returns.line.requested")} value={l.requested} />
                    <Figure label={t("returns.line.approved")} value={l.approved ?? dash} />
                    <Figure label={t("returns.line.received")} value={l.received ?? dash} />
                    <Figure
                      label={t("returns.line.shortfall")}
                      value={l.shortfall ?? dash}
                      warn={l.shortfall !== null && l.shortfall > 0}
                    />
                    <Figure
                      label={t("returns.line.disposition")}
                      value={l.disposition ? t(`returns.disposition.${l.disposition}`) : dash}
                    />
                    <div className="flex justify-between gap-2 sm:block">
                      <dt className="text-slate-500">{t("returns.line.refund")}</dt>
                      <dd>{l.refundAmount === null ? dash : <Money fen={l.refundAmount} />}</dd>
                    </div>
                  </dl>
                </li>
              ))}
            </ul>
          </section>
          {ret.note ? (
            <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
              <h2 className="mb-1 text-base font-semibold">{t("returnsShop.detail.note")}</h2>
              <p className="whitespace-pre-line text-slate-700">{ret.note}</p>
            </section>
          ) : null}
          {ret.photos.length ? (
            <section className="rounded-lg border border-slate-200 bg-white p-4">
              <h2 className="mb-2 text-base font-semibold">{t("returns.photos")}</h2>
              <ul className="flex flex-wrap gap-2">
                {ret.photos.map((position) => {
                  const base = `/shop/returns/${encodeURIComponent(ret.number)}/photos/${position}`;
                  return (
                    <li key={position}>
                      <a href={`${base}/full`} target="_blank" rel="noreferrer" className="block">
                        <img
                          src={`${base}/thumb`}
                          alt={t("returnsShop.detail.photoAlt", { n: position + 1 })}
                          className="size-20 rounded border border-slate-200 object-cover sm:size-24"
                          loading="lazy"
                        />
                      </a>
                    </li>
                  );
                })}
              </ul>
            </section>
          ) : null}
        </div>

        <div className="min-w-0 space-y-4 empty:hidden lg:col-start-3 lg:row-start-1">
          {ret.status === "pending_return_shipment" ? (
            <ShipBackForm
              version={ret.version}
              failed={result && !result.ok ? result : null}
              busy={navigation.state !== "idle"}
            />
          ) : null}
          {ret.shipment.at ? (
            <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
              <h2 className="mb-2 text-base font-semibold">{t("returns.shipment.heading")}</h2>
              <p>
                {ret.shipment.dropOff
                  ? t("returns.shipment.dropOff")
                  : `${ret.shipment.carrier} ${ret.shipment.trackingNo}`}
              </p>
              <p className="text-slate-500">
                <DateTime iso={ret.shipment.at} />
              </p>
            </section>
          ) : null}
          {ret.refundAmount !== null ? (
            <section
              className="rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm"
              data-testid="return-refund"
            >
              <h2 className="text-base font-semibold text-emerald-900">{t("returns.refundTotal")}</h2>
              <Money fen={ret.refundAmount} className="mt-1 block text-2xl font-semibold text-emerald-800" />
              <p className="mt-1 text-emerald-900">{t("returnsShop.detail.refundedTo")}</p>
              {ret.refundedAt ? (
                <p className="text-emerald-800">
                  <DateTime iso={ret.refundedAt} />
                </p>
              ) : null}
              {ret.refundReason ? (
                <p className="mt-1 text-emerald-900">
                  {t("returns.refundReason")}: {ret.refundReason}
                </p>
              ) : null}
            </section>
          ) : null}
          {cancellable ? (
            <Form
              method="post"
              onSubmit={(event) => {
                if (!window.confirm(t("returnsShop.detail.cancelConfirm"))) event.preventDefault();
              }}
            >
              <input type="hidden" name="intent" value="cancel" />
              <input type="hidden" name="version" value={ret.version} />
              <Button type="submit" variant="danger" disabled={navigation.state !== "idle"}>
                {t("returnsShop.detail.cancel")}
              </Button>
            </Form>
          ) : null}
        </div>
        <section className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 lg:col-start-3 lg:row-start-2">
          <h2 className="mb-3 text-base font-semibold">{t("returns.timeline")}</h2>
          <OrderTimeline ns="returns" entries={ret.timeline} />
        </section>
      </div>
    </>
  );
}

function ShipBackForm({
  version,
  failed,
  busy,
}: {
  version: number;
  failed: { fieldErrors: Record<string, string>; values: Record<string, string> } | null;
  busy: boolean;
}) {
  const { t } = useTranslation();
  const values = failed?.values ?? {};
  const form = useZodForm(shipBackSchema, {
    defaultValues: {
      intent: "ship_back",
      version: String(version),
      carrier: values.carrier ?? "",
      trackingNo: values.trackingNo ?? "",
      dropOff: values.dropOff === "1",
    },
    serverErrors: failed?.fieldErrors,
  });
  const dropOff = form.watch("dropOff") === true || form.watch("dropOff") === "1";
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  return (
    <Form
      method="post"
      noValidate
      onSubmit={form.onSubmit}
      className="space-y-3 rounded-lg border border-rose-200 bg-rose-50 p-4"
      data-testid="ship-back"
    >
      <h2 className="text-base font-semibold text-rose-900">{t("returns.shipment.heading")}</h2>
      <p className="text-sm text-rose-900">{t("returnsShop.detail.shipBackPrompt")}</p>
      <input type="hidden" name="intent" value="ship_back" />
      <input type="hidden" name="version" value={version} />
      <TextField
        label={t("returns.shipment.carrier")}
        autoComplete="off"
        disabled={dropOff}
        error={error("carrier")}
        {...form.field("carrier")}
      />
      <TextField
        label={t("returns.shipment.trackingNo")}
        autoComplete="off"
        disabled={dropOff}
        error={error("trackingNo")}
        {...form.field("trackingNo")}
      />
      <label className="flex min-h-11 items-center gap-2 text-sm text-slate-800">
        <input
          type="checkbox"
          value="1"
          defaultChecked={values.dropOff === "1"}
          className="size-4 rounded border-slate-300"
          {...form.register("dropOff")}
        />
        {t("returnsShop.detail.dropOff")}
      </label>
      <Button type="submit" className="w-full" disabled={busy}>
        {t("returnsShop.detail.shipBack")}
      </Button>
    </Form>
  );
}

function Figure({ label, value, warn = false }: { label: string; value: string | number; warn?: boolean }) {
  return (
    <div className="flex justify-between gap-2 sm:block">
      <dt className="text-slate-500">{label}</dt>
      <dd className={`tabular-nums ${warn ? "font-semibold text-red-700" : ""}`}>{value}</dd>
    </div>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
