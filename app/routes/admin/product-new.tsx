import { data, Link, redirect } from "react-router";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { PageHeader } from "../../components/card";
import { ProductForm } from "../../components/product-form";
import { RouteErrorBoundary } from "../../components/route-error";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { applyRowIntent, emptyProductForm, type ProductFormValues, parseProductForm } from "../../forms/product-form";
import { problemsToFieldErrors } from "../../forms/product-form-errors";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listCategories } from "../../services/categories.server";
import { createProduct } from "../../services/products.server";
import type { Route } from "./+types/product-new";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "product.manage");
  const categories = await listCategories(getDatabase().db, viewer.grant);
  const t = getI18n(context).t;
  return {
    title: `${t("products.form.newTitle")} · ${t("app.name")}`,
    categories: categories.map((c) => ({ id: c.id, name: c.name, depth: c.depth })),
  };
}

interface ActionData {
  values: ProductFormValues;
  fieldErrors: Record<string, string>;
}

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "product.manage");
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  const parsed = parseProductForm(form);
  const reshaped = applyRowIntent(parsed.values, intent);
  if (reshaped) return data<ActionData>({ values: reshaped, fieldErrors: {} });
  if (!parsed.ok) return data<ActionData>({ values: parsed.values, fieldErrors: parsed.fieldErrors }, { status: 400 });
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const result = await createProduct(getDatabase().db, actor, parsed.data, new Date());
  if (result.ok) return redirect(`/admin/products/${result.productId}?saved=created`);
  if (result.error !== "invalid") throw data(null, { status: 404 });
  return data<ActionData>(
    { values: parsed.values, fieldErrors: problemsToFieldErrors(result.problems) },
    { status: 400 },
  );
}

export default function ProductNew({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  return (
    <>
      <PageHeader title={t("products.form.newTitle")}>
        <Link to="/admin/products" className="text-sm text-brand-700 hover:underline">
          ← {t("products.list.title")}
        </Link>
      </PageHeader>
      <ProductForm
        // A no-JavaScript "add row" answer must show its rows, not the first render's.
        key={actionData ? JSON.stringify(actionData) : "new"}
        defaults={actionData?.values ?? emptyProductForm()}
        fieldErrors={actionData?.fieldErrors}
        categories={loaderData.categories}
        submitLabel={t("products.form.create")}
      />
      <p className="mt-3 text-sm text-slate-500">{t("products.images.afterCreate")}</p>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
