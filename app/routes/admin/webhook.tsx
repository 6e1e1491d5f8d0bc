import { data, Form, Link, redirect, useFetcher, useNavigation } from "react-router";
import { z } from "zod";
import { Button, buttonClass } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DataTable, KeysetPager, tdClass, thClass } from "../../components/data-table";
import { DateTime } from "../../components/date-time";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { useActionResult } from "../../components/use-action-result";
import {
  DeliveryBadge,
  EndpointForm,
  type EndpointFormValues,
  eventLabelKey,
  HttpStatus,
  SecretOnce,
} from "../../components/webhook-ui";
import { getDatabase } from "../../db.server";
import { DELIVERY_STATUSES, WEBHOOK_EVENTS } from "../../domain/webhooks";
import { typedEndpointValues, webhookEndpointSchema } from "../../forms/webhook-form";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import {
  type DeliveryItem,
  deleteEndpoint,
  getEndpoint,
  listDeliveries,
  redeliver,
  rotateEndpointSecret,
  updateEndpoint,
} from "../../services/webhooks.server";
import type { Route } from "./+types/webhook";
import { requireWebhookAdmin } from "./webhook-guard.server";

const PAGE_SIZE = 25;

const querySchema = z.object({
  status: z
    .enum(DELIVERY_STATUSES as ["pending", "delivered", "failed"])
    .optional()
    .catch(undefined),
  event: z.enum(WEBHOOK_EVENTS).optional().catch(undefined),
  cursor: z.string().max(200).optional().catch(undefined),
});

function endpointIdOf(params: { endpointId: string }): number {
  const id = Number(params.endpointId);
  if (!Number.isSafeInteger(id) || id <= 0) throw data(null, { status: 404 });
  return id;
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = requireWebhookAdmin(request, context);
  const id = endpointIdOf(params);
  const { db } = getDatabase();
  const endpoint = await getEndpoint(db, actor, id);
  if (!endpoint) throw data(null, { status: 404 });
  const query = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  const deliveries = await listDeliveries(db, actor, id, { ...query, limit: PAGE_SIZE });
  const t = getI18n(context).t;
  return { title: `${t("webhooks.title")} · ${endpoint.url}`, endpoint, query, ...deliveries };
}

type ActionData =
  | { intent: "update"; saved: true }
  | { intent: "update"; fieldErrors: Record<string, string>; values: EndpointFormValues }
  | { intent: "rotate"; secret: string }
  | { intent: "redeliver"; ok: boolean };

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = requireWebhookAdmin(request, context);
  const id = endpointIdOf(params);
  const { db } = getDatabase();
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const now = new Date();
  if (intent === "update") {
    const values = typedEndpointValues(form);
    const parsed = parseForm(webhookEndpointSchema, form);
    if (!parsed.ok) return data<ActionData>({ intent, fieldErrors: parsed.fieldErrors, values }, { status: 400 });
    const result = await updateEndpoint(db, actor, id, parsed.data, now);
    if (!result.ok && result.error === "not_found") throw data(null, { status: 404 });
    if (!result.ok) return data<ActionData>({ intent, fieldErrors: result.fieldErrors, values }, { status: 400 });
    return data<ActionData>({ intent, saved: true });
  }
  if (intent === "rotate") {
    const result = await rotateEndpointSecret(db, actor, id, now);
    if (!result.ok) throw data(null, { status: 404 });
    return data<ActionData>({ intent, secret: result.secret });
  }
  if (intent === "delete") {
    const result = await deleteEndpoint(db, actor, id, now);
    if (!result.ok) throw data(null, { status: 404 });
    return redirect("/admin/settings/webhooks?deleted=1");
  }
  if (intent === "redeliver") {
    const deliveryId = Number(form.get("deliveryId"));
    const result = Number.isSafeInteger(deliveryId) ? await redeliver(db, actor, id, deliveryId, now) : { ok: false };
    return data<ActionData>({ intent, ok: result.ok }, { status: result.ok ? 200 : 404 });
  }
  return data(null, { status: 400 });
}

/** "Send again" without leaving the page (a plain POST without JavaScript). */
function SendAgain({ deliveryId }: { deliveryId: number }) {
  const { t } = useTranslation();
  const fetcher = useFetcher<typeof action>();
  const done = fetcher.data && "ok" in fetcher.data ? fetcher.data.ok : null;
  return (
    <fetcher.Form method="post" className="flex flex-col items-start gap-1">
      <input type="hidden" name="intent" value="redeliver" />
      <input type="hidden" name="deliveryId" value={deliveryId} />
      <button
        type="submit"
        disabled={fetcher.state !== "idle"}
        className={buttonClass("secondary", "min-h-8 whitespace-nowrap px-3 text-xs")}
      >
        {t("webhooks.deliveries.sendAgain")}
      </button>
      {done === null ? null : (
        <span role="status" className={`text-xs ${done ? "text-emerald-700" : "text-red-700"}`}>
          {done ? t("webhooks.deliveries.sentAgain") : t("webhooks.deliveries.notFound")}
        </span>
      )}
    </fetcher.Form>
  );
}

function DeliveryRows({ delivery: d }: { delivery: DeliveryItem }) {
  const { t } = useTranslation();
  const chronological = [...d.log].reverse();
  return (
    <tbody className="border-t border-slate-200" data-testid="webhook-delivery">
      <tr>
        <td className={tdClass}>
          <span className="block font-medium text-slate-800">{t(eventLabelKey(d.eventType))}</span>
          <code className="text-xs text-slate-500">
            {d.eventType} · {d.eventId}
          </code>
        </td>
        <td className={`${tdClass} max-w-56`}>
          <DeliveryBadge tone={d.status} label={t(`webhooks.deliveries.statuses.${d.status}`)} />
          {d.lastError && d.status !== "delivered" ? (
            <span className="mt-1 block break-words text-xs text-red-700">{d.lastError}</span>
          ) : null}
        </td>
        <td className={tdClass}>
          <ol className="flex flex-wrap gap-1" aria-label={t("webhooks.deliveries.attempts")}>
            {chronological.map((a) => (
              <li key={a.id} title={t("webhooks.deliveries.attempt", { n: a.attempt })}>
                <HttpStatus code={a.statusCode} />
              </li>
            ))}
            {chronological.length === 0 ? <li className="text-xs text-slate-400">—</li> : null}
          </ol>
        </td>
        <td className={`${tdClass} whitespace-nowrap`}>
          <DateTime iso={d.createdAt} />
        </td>
        <td className={`${tdClass} whitespace-nowrap`}>
          {d.status === "delivered" && d.deliveredAt ? (
            <DateTime iso={d.deliveredAt} />
          ) : d.status === "pending" ? (
            <DateTime iso={d.nextAttemptAt} />
          ) : (
            "—"
          )}
        </td>
        <td className={tdClass}>
          <SendAgain deliveryId={d.id} />
        </td>
      </tr>
      <tr>
        <td colSpan={6} className="px-3 pb-2">
          <details className="text-sm">
            <summary className="cursor-pointer text-xs text-slate-500 hover:text-slate-800">
              {t("webhooks.deliveries.details")}
            </summary>
            <div className="mt-2 grid gap-3 lg:grid-cols-2">
              <div>
                <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
                  {t("webhooks.deliveries.attempts")}
                </p>
                {d.log.length === 0 ? (
                  <p className="text-xs text-slate-500">{t("webhooks.deliveries.noAttempts")}</p>
                ) : null}
                <ol className="space-y-2">
                  {d.log.map((a) => (
                    <li key={a.id} className="rounded-md border border-slate-200 p-2" data-testid="webhook-attempt">
                      <div className="flex flex-wrap items-center gap-2 text-xs">
                        <span className="font-medium">{t("webhooks.deliveries.attempt", { n: a.attempt })}</span>
                        <HttpStatus code={a.statusCode} />
                        <DateTime iso={a.at} />
                        <span className="text-slate-500">
                          {t("webhooks.deliveries.duration", { ms: a.durationMs })}
                        </span>
                      </div>
                      {a.error ? <p className="mt-1 break-words text-xs text-red-700">{a.error}</p> : null}
                      {a.responseExcerpt ? (
                        <pre className="mt-1 max-h-24 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-1.5 text-xs text-slate-700">
                          {a.responseExcerpt}
                        </pre>
                      ) : null}
                    </li>
                  ))}
                </ol>
              </div>
              <div>
                <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
                  {t("webhooks.deliveries.payload")}
                </p>
                <pre className="max-h-64 overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs text-slate-700">
                  {JSON.stringify(JSON.parse(d.body), null, 2)}
                </pre>
              </div>
            </div>
          </details>
        </td>
      </tr>
    </tbody>
  );
}

export default function Webhook({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { endpoint, items, nextCursor, query } = loaderData;
  const updateFailed = actionData?.intent === "update" && "fieldErrors" in actionData ? actionData : null;
  const values: EndpointFormValues = updateFailed?.values ?? {
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    active: endpoint.active,
  };
  return (
    <>
      <PageHeader title={endpoint.description || t("webhooks.title")}>
        <Link to="/admin/settings/webhooks" className="text-sm text-slate-600 underline">
          {t("webhooks.backToList")}
        </Link>
      </PageHeader>
      <div className="-mt-2 mb-4 flex flex-wrap items-center gap-2">
        <DeliveryBadge
          tone={endpoint.active ? "delivered" : "paused"}
          label={endpoint.active ? t("webhooks.active") : t("webhooks.paused")}
        />
        <code className="break-all text-sm text-slate-700" data-testid="webhook-url">
          {endpoint.url}
        </code>
      </div>
      {actionData?.intent === "rotate" && "secret" in actionData ? (
        <div className="mb-4 max-w-3xl space-y-2">
          <Notice tone="success">{t("webhooks.secret.rotated")}</Notice>
          <SecretOnce secret={actionData.secret} />
        </div>
      ) : null}
      {actionData?.intent === "update" && "saved" in actionData ? (
        <div className="mb-4">
          <Notice tone="success">{t("webhooks.saved")}</Notice>
        </div>
      ) : null}
      {actionData?.intent === "redeliver" ? (
        <div className="mb-4">
          <Notice tone={actionData.ok ? "success" : "error"}>
            {actionData.ok ? t("webhooks.deliveries.sentAgain") : t("webhooks.deliveries.notFound")}
          </Notice>
        </div>
      ) : null}

      <section aria-labelledby="deliveries-title" className="mb-8">
        <h2 id="deliveries-title" className="mb-2 text-lg font-semibold text-slate-900">
          {t("webhooks.deliveries.title")}
        </h2>
        <p className="mb-2 text-xs text-slate-500">{t("webhooks.counts", endpoint.counts)}</p>
        <Form
          method="get"
          className="mb-3 flex flex-wrap items-end gap-2 rounded-lg border border-slate-200 bg-white p-3 text-sm"
        >
          <label>
            <span className="block text-xs text-slate-500">{t("webhooks.deliveries.status")}</span>
            <select
              name="status"
              defaultValue={query.status ?? ""}
              className="min-h-9 rounded border border-slate-300 px-1"
            >
              <option value="">{t("webhooks.deliveries.allStatuses")}</option>
              {DELIVERY_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`webhooks.deliveries.statuses.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span className="block text-xs text-slate-500">{t("webhooks.deliveries.event")}</span>
            <select
              name="event"
              defaultValue={query.event ?? ""}
              className="min-h-9 rounded border border-slate-300 px-1"
            >
              <option value="">{t("webhooks.deliveries.allEvents")}</option>
              {WEBHOOK_EVENTS.map((e) => (
                <option key={e} value={e}>
                  {t(eventLabelKey(e))}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" className={buttonClass("primary", "min-h-9")}>
            {t("webhooks.deliveries.apply")}
          </button>
          <Link to={`/admin/settings/webhooks/${endpoint.id}`} className="self-center text-sm text-slate-600 underline">
            {t("webhooks.deliveries.reset")}
          </Link>
        </Form>
        <DataTable caption={t("webhooks.deliveries.title")}>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={thClass}>
                {t("webhooks.deliveries.columns.event")}
              </th>
              <th scope="col" className={thClass}>
                {t("webhooks.deliveries.columns.status")}
              </th>
              <th scope="col" className={thClass}>
                {t("webhooks.deliveries.columns.attempts")}
              </th>
              <th scope="col" className={thClass}>
                {t("webhooks.deliveries.columns.created")}
              </th>
              <th scope="col" className={thClass}>
                {t("webhooks.deliveries.columns.next")}
              </th>
              <th scope="col" className={thClass}>
                <span className="sr-only">{t("common.actions")}</span>
              </th>
            </tr>
          </thead>
          {items.map((d) => (
            <DeliveryRows key={d.id} delivery={d} />
          ))}
          {items.length === 0 ? (
            <tbody>
              <tr>
                <td colSpan={6} className="px-3 py-8 text-center text-slate-500">
                  {t("webhooks.deliveries.empty")}
                </td>
              </tr>
            </tbody>
          ) : null}
        </DataTable>
        <KeysetPager nextCursor={nextCursor} labels={{ first: t("common.first"), next: t("common.next") }} />
      </section>

      <div className="space-y-4">
        <Card>
          <h2 className="mb-3 text-lg font-semibold text-slate-900">{t("webhooks.settings")}</h2>
          <EndpointForm
            key={JSON.stringify(values)}
            defaultValues={values}
            serverErrors={updateFailed?.fieldErrors}
            submitLabel={t("webhooks.save")}
            intent="update"
          />
        </Card>
        <div className="grid gap-4 md:grid-cols-2">
          <Card>
            <h2 className="mb-2 text-lg font-semibold text-slate-900">{t("webhooks.secret.title")}</h2>
            <dl className="mb-3 text-sm">
              <dt className="text-xs text-slate-500">{t("webhooks.secret.current")}</dt>
              <dd className="font-mono">{endpoint.secretPrefix}</dd>
              <dt className="mt-2 text-xs text-slate-500">{t("webhooks.secret.rotatedAt")}</dt>
              <dd>
                <DateTime iso={endpoint.secretRotatedAt} />
              </dd>
            </dl>
            <p className="mb-2 text-xs text-slate-500">{t("webhooks.secret.rotateHint")}</p>
            <Form
              method="post"
              onSubmit={(event) => {
                if (!window.confirm(t("webhooks.secret.rotateConfirm"))) event.preventDefault();
              }}
            >
              <input type="hidden" name="intent" value="rotate" />
              <Button type="submit" variant="secondary" disabled={navigation.state !== "idle"}>
                {t("webhooks.secret.rotate")}
              </Button>
            </Form>
          </Card>
          <Card>
            <h2 className="mb-2 text-lg font-semibold text-slate-900">{t("webhooks.delete.title")}</h2>
            <p className="mb-2 text-xs text-slate-500">{t("webhooks.delete.hint")}</p>
            <Form
              method="post"
              onSubmit={(event) => {
                if (!window.confirm(t("webhooks.delete.confirm"))) event.preventDefault();
              }}
            >
              <input type="hidden" name="intent" value="delete" />
              <Button type="submit" variant="danger" disabled={navigation.state !== "idle"}>
                {t("webhooks.delete.submit")}
              </Button>
            </Form>
          </Card>
        </div>
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
