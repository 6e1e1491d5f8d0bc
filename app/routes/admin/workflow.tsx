import { useState } from "react";
import { data, Form, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { PageHeader } from "../../components/card";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { statusColor } from "../../components/status-colors";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { ORDER_STEPS, RETURN_STEPS } from "../../domain/pipelines";
import type { BusinessSettings } from "../../domain/settings";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { getSettings, updateSettings } from "../../services/settings.server";
import type { Route } from "./+types/workflow";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  requirePermission(request, context, "settings.workflow");
  const t = getI18n(context).t;
  return { title: `${t("orders.workflow.title")} · ${t("app.name")}`, settings: await getSettings(getDatabase().db) };
}

const on = z
  .literal("1")
  .optional()
  .transform((v) => v === "1");
const schema = z.object({
  order_review: on,
  finance_review: on,
  outbound_review: on,
  shipment: on,
  receipt: on,
  return_review: on,
  return_shipment: on,
  inbound_review: on,
  refund_review: on,
  autoReceiptDays: z.coerce
    .number()
    .int("validation.integer")
    .min(0, "validation.integer")
    .max(365, "validation.invalid"),
  allowOverselling: on,
  stockDisplay: z.enum(["quantity", "flag", "hidden"]),
});

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "settings.workflow");
  const parsed = schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    return data({ saved: false, fieldErrors }, { status: 400 });
  }
  const v = parsed.data;
  const changes: Partial<BusinessSettings> = {
    orderSteps: {
      order_review: v.order_review,
      finance_review: v.finance_review,
      outbound_review: v.outbound_review,
      shipment: v.shipment,
      receipt: v.receipt,
    },
    returnSteps: {
      return_review: v.return_review,
      return_shipment: v.return_shipment,
      inbound_review: v.inbound_review,
      refund_review: v.refund_review,
    },
    autoReceiptDays: v.autoReceiptDays,
    allowOverselling: v.allowOverselling,
    stockDisplay: v.stockDisplay,
  };
  await updateSettings(getDatabase().db, actorOf(viewer, context), changes, new Date());
  return { saved: true, fieldErrors: {} as Record<string, string> };
}

function Flow({
  steps,
  enabled,
  pipeline,
}: {
  steps: ReadonlyArray<{ key: string; status: string }>;
  enabled: Record<string, boolean>;
  pipeline: "orders" | "returns";
}) {
  const { t } = useTranslation();
  return (
    <ol className="flex flex-wrap items-center gap-2 text-sm" aria-label={t("orders.workflow.preview")}>
      <li className="rounded-full bg-slate-100 px-3 py-1 text-slate-600">{t("orders.workflow.submitted")}</li>
      {steps.map((s) => (
        <li key={s.key} className="flex items-center gap-2">
          <span aria-hidden className="text-slate-400">
            →
          </span>
          <span
            className={`inline-flex items-center gap-1.5 rounded-full px-3 py-1 ring-1 ring-inset ${
              enabled[s.key] ? statusColor(s.status).tone : "bg-white text-slate-400 line-through ring-slate-200"
            }`}
          >
            {t(`steps.${pipeline}.${s.key}`)}
          </span>
        </li>
      ))}
      <li className="flex items-center gap-2">
        <span aria-hidden className="text-slate-400">
          →
        </span>
        <span className="rounded-full bg-emerald-50 px-3 py-1 text-emerald-800 ring-1 ring-inset ring-emerald-600/20">
          {t("orders.workflow.completed")}
        </span>
      </li>
    </ol>
  );
}

export default function Workflow({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { settings } = loaderData;
  // The preview follows the switches as they are toggled (with JavaScript); it shows the saved flow without.
  const [enabled, setEnabled] = useState<Record<string, boolean>>({ ...settings.orderSteps, ...settings.returnSteps });
  const toggle = (key: string, value: boolean) => setEnabled((e) => ({ ...e, [key]: value }));
  const section = (pipeline: "orders" | "returns", steps: typeof ORDER_STEPS | typeof RETURN_STEPS) => (
    <fieldset className="rounded-lg border border-slate-200 bg-white p-4">
      <legend className="px-1 font-semibold">
        {t(pipeline === "orders" ? "orders.workflow.orders" : "orders.workflow.returns")}
      </legend>
      <ul className="grid gap-2 sm:grid-cols-2 lg:grid-cols-5">
        {steps.map((s) => (
          <li key={s.key}>
            <label className="flex min-h-11 items-center gap-2 rounded-md border border-slate-200 px-3">
              <input
                type="checkbox"
                name={s.key}
                value="1"
                defaultChecked={enabled[s.key]}
                onChange={(e) => toggle(s.key, e.target.checked)}
                className="size-4"
              />
              <span className="text-sm">{t(`steps.${pipeline}.${s.key}`)}</span>
            </label>
          </li>
        ))}
      </ul>
      <div className="mt-3">
        <Flow steps={steps} enabled={enabled} pipeline={pipeline} />
      </div>
    </fieldset>
  );
  return (
    <>
      <PageHeader title={t("orders.workflow.title")} />
      <p className="-mt-2 mb-4 max-w-3xl text-sm text-slate-600">{t("orders.workflow.intro")}</p>
      {actionData?.saved ? (
        <div className="mb-4">
          <Notice tone="success">{t("orders.workflow.saved")}</Notice>
        </div>
      ) : null}
      <Form method="post" className="space-y-4">
        {section("orders", ORDER_STEPS)}
        {section("returns", RETURN_STEPS)}
        <div className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 md:grid-cols-3">
          <label className="block text-sm">
            <span className="mb-1 block font-medium text-slate-700">{t("orders.workflow.autoReceiptDays")}</span>
            <input
              name="autoReceiptDays"
              inputMode="numeric"
              defaultValue={settings.autoReceiptDays}
              aria-invalid={actionData?.fieldErrors.autoReceiptDays ? true : undefined}
              className="min-h-10 w-32 rounded-md border border-slate-300 px-3"
            />
            {actionData?.fieldErrors.autoReceiptDays ? (
              <span className="mt-1 block text-red-600">{t(actionData.fieldErrors.autoReceiptDays)}</span>
            ) : null}
          </label>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              name="allowOverselling"
              value="1"
              defaultChecked={settings.allowOverselling}
              className="size-4"
            />
            {t("orders.workflow.allowOverselling")}
          </label>
          <label className="block text-sm">
            <span className="mb-1 block font-medium text-slate-700">{t("orders.workflow.stockDisplay")}</span>
            <select
              name="stockDisplay"
              defaultValue={settings.stockDisplay}
              className="min-h-10 rounded-md border border-slate-300 px-2"
            >
              {(["quantity", "flag", "hidden"] as const).map((o) => (
                <option key={o} value={o}>
                  {t(`orders.workflow.stockDisplayOptions.${o}`)}
                </option>
              ))}
            </select>
          </label>
        </div>
        <Button type="submit" disabled={navigation.state !== "idle"}>
          {t("orders.workflow.save")}
        </Button>
      </Form>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
