import { data, Form } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DataTable, EmptyRow, tdClass, thClass } from "../../components/data-table";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { warehouseEditSchema, warehouseSchema } from "../../forms/stock-form";
import { useZodForm } from "../../forms/use-zod-form";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import {
  createWarehouse,
  listWarehouses,
  setWarehouseActive,
  updateWarehouse,
  type WarehouseItem,
} from "../../services/warehouses.server";
import type { Route } from "./+types/warehouses";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "product.view");
  const warehouses = await listWarehouses(getDatabase().db);
  const t = getI18n(context).t;
  return {
    title: `${t("stock.warehouses.title")} · ${t("app.name")}`,
    warehouses,
    canManage: viewer.grant.permissions.has("stock.manage"),
  };
}

type Intent = "create" | "update" | "setActive";
type ActionData =
  | { intent: Intent; warehouseId?: number; ok: true; notice: string; code?: string }
  | {
      intent: Intent;
      warehouseId?: number;
      ok: false;
      fieldErrors?: Record<string, string>;
      values?: Record<string, string>;
      error?: string;
    };

const setActiveSchema = z.object({
  warehouseId: z
    .string()
    .regex(/^\d{1,12}$/)
    .transform(Number),
  active: z.enum(["0", "1"]),
});

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "stock.manage");
  const { db } = getDatabase();
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const now = new Date();
  const formData = await request.formData();
  const intent = formData.get("intent");
  if (intent === "create") {
    const parsed = parseForm(warehouseSchema, formData);
    if (!parsed.ok) {
      return data<ActionData>(
        { intent, ok: false, fieldErrors: parsed.fieldErrors, values: parsed.values },
        { status: 400 },
      );
    }
    const result = await createWarehouse(db, actor, parsed.data, now);
    if (result.ok)
      return data<ActionData>({ intent, ok: true, notice: "stock.warehouses.created", code: parsed.data.code });
    const values = Object.fromEntries([...formData.entries()].map(([k, v]) => [k, String(v)]));
    return data<ActionData>(
      { intent, ok: false, fieldErrors: "fieldErrors" in result ? result.fieldErrors : {}, values },
      { status: 400 },
    );
  }
  if (intent === "update") {
    const parsed = parseForm(warehouseEditSchema, formData);
    const warehouseId = Number(formData.get("warehouseId")) || undefined;
    if (!parsed.ok) {
      return data<ActionData>(
        { intent, warehouseId, ok: false, fieldErrors: parsed.fieldErrors, values: parsed.values },
        { status: 400 },
      );
    }
    const { warehouseId: id, ...input } = parsed.data;
    const result = await updateWarehouse(db, actor, id, input, now);
    if (!result.ok) throw data(null, { status: 404 });
    return data<ActionData>({ intent, warehouseId: id, ok: true, notice: "stock.warehouses.saved" });
  }
  if (intent === "setActive") {
    const parsed = setActiveSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) throw data(null, { status: 400 });
    const active = parsed.data.active === "1";
    const result = await setWarehouseActive(db, actor, parsed.data.warehouseId, active, now);
    if (result.ok) {
      return data<ActionData>({
        intent,
        ok: true,
        notice: active ? "stock.warehouses.activated" : "stock.warehouses.deactivated",
      });
    }
    if ("error" in result && result.error === "has_reservations") {
      return data<ActionData>(
        { intent, warehouseId: parsed.data.warehouseId, ok: false, error: "stock.warehouses.hasReservations" },
        { status: 409 },
      );
    }
    throw data(null, { status: 404 });
  }
  throw data(null, { status: 400 });
}

export default function Warehouses({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const { warehouses, canManage } = loaderData;
  const result = actionData as ActionData | undefined;
  const failedFor = (intent: Intent, warehouseId?: number) =>
    result && !result.ok && result.intent === intent && result.warehouseId === warehouseId ? result : null;
  return (
    <>
      <PageHeader title={t("stock.warehouses.title")} />
      <div className="mb-4 space-y-2">
        {result?.ok ? <Notice tone="success">{t(result.notice, { code: result.code })}</Notice> : null}
        {result && !result.ok && result.error ? <Notice tone="error">{t(result.error)}</Notice> : null}
        {canManage ? null : <Notice>{t("stock.warehouses.readOnly")}</Notice>}
      </div>
      <DataTable caption={t("stock.warehouses.title")}>
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={thClass}>
              {t("stock.warehouses.code")}
            </th>
            <th scope="col" className={thClass}>
              {t("stock.warehouses.name")}
            </th>
            <th scope="col" className={thClass}>
              {t("stock.warehouses.address")}
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              {t("stock.warehouses.totals")}
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              {t("stock.warehouses.reservedTotal")}
            </th>
            <th scope="col" className={thClass}>
              {t("common.status")}
            </th>
            {canManage ? (
              <th scope="col" className={thClass}>
                {t("common.actions")}
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {warehouses.map((w) => (
            <WarehouseRow
              key={`${w.id}:${w.name}:${w.address}`}
              warehouse={w}
              canManage={canManage}
              failed={failedFor("update", w.id)}
            />
          ))}
          {warehouses.length === 0 ? <EmptyRow colSpan={7}>{t("stock.warehouses.none")}</EmptyRow> : null}
        </tbody>
      </DataTable>
      {canManage ? (
        <CreateWarehouse
          key={result?.ok && result.intent === "create" ? result.code : "new"}
          failed={failedFor("create")}
        />
      ) : null}
    </>
  );
}

type Failed = Extract<ActionData, { ok: false }> | null;

function WarehouseRow({
  warehouse: w,
  canManage,
  failed,
}: {
  warehouse: WarehouseItem;
  canManage: boolean;
  failed: Failed;
}) {
  const { t } = useTranslation();
  const form = useZodForm(warehouseEditSchema, {
    defaultValues: { warehouseId: String(w.id), name: w.name, address: w.address, ...(failed?.values ?? {}) },
    serverErrors: failed?.fieldErrors,
  });
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  return (
    <tr className={w.active ? "hover:bg-slate-50" : "bg-slate-50 text-slate-500"}>
      <td className={`${tdClass} font-mono`}>{w.code}</td>
      <td className={tdClass}>{w.name}</td>
      <td className={tdClass}>{w.address || "—"}</td>
      <td className={`${tdClass} text-right tabular-nums`}>{w.onHand}</td>
      <td className={`${tdClass} text-right tabular-nums`}>{w.reserved}</td>
      <td className={tdClass}>
        {w.active ? (
          <span className="text-emerald-700">{t("common.active")}</span>
        ) : (
          <span>{t("common.disabled")}</span>
        )}
      </td>
      {canManage ? (
        <td className={tdClass}>
          <div className="flex flex-wrap items-start gap-2">
            <details open={Boolean(failed)} className="min-w-0">
              <summary className="cursor-pointer py-2 text-sm text-brand-700">{t("stock.warehouses.edit")}</summary>
              <Form method="post" noValidate onSubmit={form.onSubmit} className="mt-2 w-72 space-y-2">
                <input type="hidden" name="intent" value="update" />
                <input type="hidden" {...form.field("warehouseId")} />
                <TextField label={t("stock.warehouses.name")} error={error("name")} {...form.field("name")} />
                <TextField label={t("stock.warehouses.address")} error={error("address")} {...form.field("address")} />
                <Button type="submit" variant="secondary">
                  {t("stock.warehouses.save")}
                </Button>
              </Form>
            </details>
            <Form method="post">
              <input type="hidden" name="intent" value="setActive" />
              <input type="hidden" name="warehouseId" value={w.id} />
              <input type="hidden" name="active" value={w.active ? "0" : "1"} />
              <Button type="submit" variant="ghost" className={w.active ? "text-red-700 hover:bg-red-50" : ""}>
                {t(w.active ? "stock.warehouses.deactivate" : "stock.warehouses.activate")}
              </Button>
            </Form>
          </div>
        </td>
      ) : null}
    </tr>
  );
}

function CreateWarehouse({ failed }: { failed: Failed }) {
  const { t } = useTranslation();
  const form = useZodForm(warehouseSchema, {
    defaultValues: { code: "", name: "", address: "", ...(failed?.values ?? {}) },
    serverErrors: failed?.fieldErrors,
  });
  const error = (name: string) => {
    const key = form.errorKey(name);
    return key ? t(key) : undefined;
  };
  return (
    <Card className="mt-6 max-w-3xl">
      <h2 className="mb-3 text-base font-semibold text-slate-900">{t("stock.warehouses.create")}</h2>
      <Form method="post" noValidate onSubmit={form.onSubmit} className="grid gap-3 sm:grid-cols-3">
        <input type="hidden" name="intent" value="create" />
        <div>
          <TextField
            label={t("stock.warehouses.code")}
            spellCheck={false}
            autoCapitalize="characters"
            error={error("code")}
            {...form.field("code")}
          />
          <p className="mt-1 text-xs text-slate-500">{t("stock.warehouses.codeHint")}</p>
        </div>
        <TextField label={t("stock.warehouses.name")} error={error("name")} {...form.field("name")} />
        <TextField label={t("stock.warehouses.address")} error={error("address")} {...form.field("address")} />
        <div className="sm:col-span-3">
          <Button type="submit">{t("stock.warehouses.createSubmit")}</Button>
        </div>
      </Form>
    </Card>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
