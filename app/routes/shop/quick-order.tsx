import { data, Form, redirect, useNavigation } from "react-router";
import { requireCustomer } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { DataTable, tdClass, thClass } from "../../components/data-table";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { ProblemText } from "../../components/problem-text";
import { RouteErrorBoundary } from "../../components/route-error";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { type PadParse, parsePadRows, splitPadText } from "../../domain/quick-order";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { addToCart } from "../../services/cart.server";
import { checkLines } from "../../services/order-lines.server";
import { readPadFile } from "../../services/quick-order.server";
import { getSettings } from "../../services/settings.server";
import type { Route } from "./+types/quick-order";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export function loader({ request, context }: Route.LoaderArgs) {
  requireCustomer(request, context);
  return { title: getI18n(context).t("shop.quick.title") };
}

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requireCustomer(request, context);
  const { db } = getDatabase();
  const form = await request.formData();
  const intent = form.get("intent") === "add" ? "add" : "check";
  const file = form.get("file");
  let text = String(form.get("text") ?? "").slice(0, 50_000);
  let parsed: PadParse;
  if (file instanceof File && file.size > 0) {
    const fromFile = await readPadFile(file);
    if (!fromFile) return data({ text, fileError: true, unreadable: [], lines: [], added: 0 }, { status: 400 });
    parsed = fromFile;
    // Show what the file held, so "add" can be pressed after a check without uploading again.
    text = fromFile.lines.map((l) => `${l.skuCode}\t${l.quantity}`).join("\n");
  } else {
    parsed = parsePadRows(splitPadText(text));
  }
  if (!parsed.lines.length && !parsed.unreadable.length) {
    return data({ text, fileError: false, nothing: true, unreadable: [], lines: [], added: 0 }, { status: 400 });
  }
  const checked = await checkLines(db, viewer.customer.id, parsed.lines, await getSettings(db));
  // Nothing is added until every line is good: the dealer fixes the list, then adds it whole.
  if (intent === "add" && parsed.unreadable.length === 0 && checked.every((l) => !l.problem)) {
    await addToCart(db, viewer.customer.id, checked, new Date());
    return redirect("/shop/cart");
  }
  return {
    text,
    fileError: false,
    nothing: false,
    unreadable: parsed.unreadable,
    added: 0,
    lines: checked.map((l, i) => ({
      lineNo: parsed.lines[i]!.lineNo,
      skuCode: l.input.skuCode,
      quantity: l.input.quantity,
      productName: l.sku?.productName ?? null,
      spec: l.sku?.spec ?? "",
      unitPrice: l.unitPrice,
      problem: l.problem,
    })),
  };
}

export default function QuickOrder({ actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const problems = actionData?.lines.filter((l) => l.problem).length ?? 0;
  return (
    <>
      <h1 className="text-xl font-semibold">{t("shop.quick.title")}</h1>
      <p className="mt-1 text-sm text-slate-600">{t("shop.quick.intro")}</p>
      <Form method="post" encType="multipart/form-data" className="mt-4 space-y-3">
        <label className="block">
          <span className="mb-1 block text-sm font-medium text-slate-700">{t("shop.quick.paste")}</span>
          <textarea
            name="text"
            rows={8}
            defaultValue={actionData?.text ?? ""}
            key={actionData?.text ?? ""}
            placeholder={t("shop.quick.pastePlaceholder")}
            className="block w-full rounded-md border border-slate-300 p-3 font-mono text-base"
          />
        </label>
        <label className="block text-sm">
          <span className="mb-1 block text-slate-700">{t("shop.quick.file")}</span>
          <input
            type="file"
            name="file"
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            className="block w-full text-sm"
          />
        </label>
        <div className="flex flex-wrap gap-2">
          <Button type="submit" name="intent" value="check" variant="secondary" disabled={busy}>
            {t("shop.quick.check")}
          </Button>
          <Button type="submit" name="intent" value="add" disabled={busy}>
            {t("shop.quick.addAll")}
          </Button>
        </div>
      </Form>
      <div className="mt-4 space-y-2">
        {actionData?.fileError ? <Notice tone="error">{t("shop.quick.fileError")}</Notice> : null}
        {actionData && "nothing" in actionData && actionData.nothing ? (
          <Notice tone="error">{t("shop.quick.nothing")}</Notice>
        ) : null}
        {actionData?.unreadable.map((lineNo) => (
          <Notice key={lineNo} tone="error">
            {t("shop.quick.unreadable", { line: lineNo })}
          </Notice>
        ))}
        {problems > 0 ? <Notice tone="warning">{t("shop.quick.someProblems", { count: problems })}</Notice> : null}
      </div>
      {actionData?.lines.length ? (
        <section className="mt-4">
          <h2 className="mb-2 text-base font-semibold">{t("shop.quick.result")}</h2>
          <DataTable>
            <thead className="bg-slate-50">
              <tr>
                <th className={thClass}>{t("shop.quick.line")}</th>
                <th className={thClass}>{t("orders.line.sku")}</th>
                <th className={thClass}>{t("orders.line.product")}</th>
                <th className={`${thClass} text-right`}>{t("orders.line.quantity")}</th>
                <th className={`${thClass} text-right`}>{t("orders.line.unitPrice")}</th>
                <th className={thClass}>{t("common.status")}</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {actionData.lines.map((l) => (
                <tr key={l.lineNo} className={l.problem ? "bg-red-50/50" : ""} data-testid={`pad-line-${l.lineNo}`}>
                  <td className={tdClass}>{l.lineNo}</td>
                  <td className={`${tdClass} font-mono`}>{l.skuCode}</td>
                  <td className={tdClass}>
                    {l.productName ?? "—"} <span className="text-xs text-slate-500">{l.spec}</span>
                  </td>
                  <td className={`${tdClass} text-right tabular-nums`}>{l.quantity}</td>
                  <td className={`${tdClass} text-right`}>
                    {l.unitPrice !== null ? <Money fen={l.unitPrice} /> : "—"}
                  </td>
                  <td className={tdClass}>
                    {l.problem ? (
                      <ProblemText problem={l.problem} />
                    ) : (
                      <span className="text-sm text-emerald-700">{t("shop.quick.ok")}</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </DataTable>
        </section>
      ) : null}
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
