import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { data, Form, redirect, useNavigation, useSubmit } from "react-router";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DataTable, EmptyRow, tdClass, thClass } from "../../components/data-table";
import { SelectField } from "../../components/fields";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import {
  CATEGORY_INTENTS,
  type CreateCategoryData,
  type CreateCategoryInput,
  categoryOptions,
  createCategorySchema,
  deleteCategorySchema,
  moveCategorySchema,
  renameCategorySchema,
  reorderCategorySchema,
} from "../../forms/category-forms";
import { parseForm } from "../../http/forms";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import {
  type CategoryResult,
  type CategoryRow,
  createCategory,
  deleteCategory,
  listCategories,
  moveCategory,
  renameCategory,
  reorderCategory,
} from "../../services/categories.server";
import type { Route } from "./+types/categories";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "product.view");
  const categories = await listCategories(getDatabase().db, viewer.grant);
  const t = getI18n(context).t;
  const done = new URL(request.url).searchParams.get("done");
  return {
    title: `${t("products.categories.title")} · ${t("app.name")}`,
    categories,
    canManage: viewer.grant.permissions.has("product.manage"),
    done: done && (CATEGORY_INTENTS as readonly string[]).includes(done) ? done : null,
  };
}

interface ActionData {
  intent: string;
  /** The category the failed form belongs to; null for the "new category" form. */
  id: number | null;
  values: Record<string, string>;
  fieldErrors: Record<string, string>;
  formError?: { key: string; count?: number };
}

const ERROR_FIELDS: Record<string, string> = {
  name_taken: "name",
  cycle: "parentId",
  parent_not_found: "parentId",
};

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "product.manage");
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const { db } = getDatabase();
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const now = new Date();
  const idOf = () => (/^\d+$/.test(String(form.get("id"))) ? Number(form.get("id")) : null);

  const fail = (values: Record<string, string>, fieldErrors: Record<string, string>, status = 400) =>
    data<ActionData>({ intent, id: idOf(), values, fieldErrors }, { status });

  let result: CategoryResult<object>;
  let values: Record<string, string> = {};
  switch (intent) {
    case "create": {
      const parsed = parseForm(createCategorySchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      values = Object.fromEntries([...form].filter(([, v]) => typeof v === "string")) as Record<string, string>;
      result = await createCategory(db, actor, parsed.data, now);
      break;
    }
    case "rename": {
      const parsed = parseForm(renameCategorySchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      values = { name: parsed.data.name };
      result = await renameCategory(db, actor, parsed.data, now);
      break;
    }
    case "move": {
      const parsed = parseForm(moveCategorySchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      values = { parentId: parsed.data.parentId === null ? "" : String(parsed.data.parentId) };
      result = await moveCategory(db, actor, parsed.data, now);
      break;
    }
    case "reorder": {
      const parsed = parseForm(reorderCategorySchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      result = await reorderCategory(db, actor, parsed.data, now);
      break;
    }
    case "delete": {
      const parsed = parseForm(deleteCategorySchema, form);
      if (!parsed.ok) return fail(parsed.values, parsed.fieldErrors);
      result = await deleteCategory(db, actor, parsed.data, now);
      break;
    }
    default:
      return fail({}, { _form: "validation.invalid" });
  }
  if (result.ok) return redirect(`/admin/categories?done=${intent}`);
  const field = ERROR_FIELDS[result.error];
  const key = `products.categories.errors.${result.error}`;
  if (field) return fail(values, { [field]: key });
  return data<ActionData>(
    { intent, id: idOf(), values, fieldErrors: {}, formError: { key, count: result.count } },
    { status: result.error === "not_found" ? 404 : 409 },
  );
}

/** A category and everything under it: none of them can become its parent. */
function branchOf(categories: CategoryRow[], id: number): Set<number> {
  const branch = new Set([id]);
  for (const c of categories) if (c.parentId !== null && branch.has(c.parentId)) branch.add(c.id);
  return branch;
}

function NewCategoryForm({ categories, actionData }: { categories: CategoryRow[]; actionData?: ActionData }) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const mine = actionData?.intent === "create" ? actionData : undefined;
  const defaults = { name: mine?.values.name ?? "", parentId: mine?.values.parentId ?? "" };
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<CreateCategoryInput, unknown, CreateCategoryData>({
    resolver: zodResolver(createCategorySchema),
    defaultValues: defaults,
  });
  const error = (field: "name" | "parentId") => {
    const key = errors[field]?.message ?? mine?.fieldErrors[field];
    return key ? t(key) : undefined;
  };
  return (
    <Card>
      <h2 className="mb-3 text-base font-semibold">{t("products.categories.addHeading")}</h2>
      <Form
        method="post"
        noValidate
        className="grid gap-3 sm:grid-cols-[1fr_1fr_auto] sm:items-start"
        onSubmit={(event) => {
          const formElement = event.currentTarget;
          void handleSubmit(() => submit(formElement))(event);
        }}
      >
        <input type="hidden" name="intent" value="create" />
        <TextField
          label={t("products.categories.name")}
          defaultValue={defaults.name}
          error={error("name")}
          {...register("name")}
        />
        <SelectField
          label={t("products.categories.parent")}
          defaultValue={defaults.parentId}
          options={categoryOptions(categories, t("products.categories.topLevel"))}
          error={error("parentId")}
          {...register("parentId")}
        />
        <Button type="submit" className="sm:mt-6">
          {t("products.categories.add")}
        </Button>
      </Form>
    </Card>
  );
}

function CategoryActions({
  category,
  categories,
  isFirst,
  isLast,
  actionData,
}: {
  category: CategoryRow;
  categories: CategoryRow[];
  isFirst: boolean;
  isLast: boolean;
  actionData?: ActionData;
}) {
  const { t } = useTranslation();
  const mine = actionData?.id === category.id ? actionData : undefined;
  const renameError = mine?.intent === "rename" ? mine.fieldErrors.name : undefined;
  const moveError = mine?.intent === "move" ? mine.fieldErrors.parentId : undefined;
  const exclude = branchOf(categories, category.id);
  const smallButton = "min-h-9 rounded-md px-2 text-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50";
  return (
    <div className="flex flex-wrap items-start gap-1">
      <Form method="post" className="flex gap-1">
        <input type="hidden" name="intent" value="reorder" />
        <input type="hidden" name="id" value={category.id} />
        <button
          type="submit"
          name="direction"
          value="up"
          disabled={isFirst}
          className={`${smallButton} disabled:opacity-40`}
          aria-label={t("products.categories.moveUp", { name: category.name })}
          title={t("products.categories.moveUp", { name: category.name })}
        >
          ↑
        </button>
        <button
          type="submit"
          name="direction"
          value="down"
          disabled={isLast}
          className={`${smallButton} disabled:opacity-40`}
          aria-label={t("products.categories.moveDown", { name: category.name })}
          title={t("products.categories.moveDown", { name: category.name })}
        >
          ↓
        </button>
      </Form>
      <details className="group" open={Boolean(renameError || moveError)}>
        <summary className={`${smallButton} inline-flex cursor-pointer list-none items-center`}>
          {t("common.edit")}
        </summary>
        <div className="mt-2 w-72 space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3">
          <Form method="post" className="space-y-1">
            <input type="hidden" name="intent" value="rename" />
            <input type="hidden" name="id" value={category.id} />
            <label className="block text-xs font-medium text-slate-600" htmlFor={`rename-${category.id}`}>
              {t("products.categories.rename")}
            </label>
            <div className="flex gap-1">
              <input
                id={`rename-${category.id}`}
                name="name"
                defaultValue={mine?.intent === "rename" ? (mine.values.name ?? category.name) : category.name}
                maxLength={50}
                aria-invalid={renameError ? true : undefined}
                className={`h-9 min-w-0 flex-1 rounded-md border bg-white px-2 text-sm ${renameError ? "border-red-500" : "border-slate-300"}`}
              />
              <button type="submit" className={smallButton}>
                {t("common.save")}
              </button>
            </div>
            {renameError ? <p className="text-xs text-red-600">{t(renameError)}</p> : null}
          </Form>
          <Form method="post" className="space-y-1">
            <input type="hidden" name="intent" value="move" />
            <input type="hidden" name="id" value={category.id} />
            <label className="block text-xs font-medium text-slate-600" htmlFor={`move-${category.id}`}>
              {t("products.categories.moveUnder")}
            </label>
            <div className="flex gap-1">
              <select
                id={`move-${category.id}`}
                name="parentId"
                defaultValue={category.parentId === null ? "" : String(category.parentId)}
                className="h-9 min-w-0 flex-1 rounded-md border border-slate-300 bg-white px-2 text-sm"
              >
                {categoryOptions(categories, t("products.categories.topLevel"), exclude).map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
              <button type="submit" className={smallButton}>
                {t("products.categories.move")}
              </button>
            </div>
            {moveError ? <p className="text-xs text-red-600">{t(moveError)}</p> : null}
          </Form>
        </div>
      </details>
      <Form
        method="post"
        onSubmit={(event) => {
          if (!window.confirm(t("products.categories.confirmDelete", { name: category.name }))) event.preventDefault();
        }}
      >
        <input type="hidden" name="intent" value="delete" />
        <input type="hidden" name="id" value={category.id} />
        <button type="submit" className={`${smallButton} text-red-700 hover:bg-red-50`}>
          {t("common.delete")}
        </button>
      </Form>
    </div>
  );
}

export default function Categories({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { categories, canManage, done } = loaderData;
  const failed = actionData?.formError;
  const failedName = failed ? categories.find((c) => c.id === actionData?.id)?.name : undefined;
  const siblings = (c: CategoryRow) => categories.filter((o) => o.parentId === c.parentId);
  return (
    <>
      <PageHeader title={t("products.categories.title")} />
      <div className="space-y-4">
        {failed ? (
          <Notice tone="error">{t(failed.key, { count: failed.count ?? 0, name: failedName ?? "" })}</Notice>
        ) : done && navigation.state === "idle" ? (
          <Notice tone="success">{t(`products.categories.done.${done}`)}</Notice>
        ) : null}
        {canManage ? <NewCategoryForm key={categories.length} categories={categories} actionData={actionData} /> : null}
        <DataTable caption={t("products.categories.title")}>
          <thead className="bg-slate-50">
            <tr>
              <th scope="col" className={thClass}>
                {t("products.categories.name")}
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                {t("products.categories.products")}
              </th>
              <th scope="col" className={`${thClass} text-right`}>
                {t("products.categories.children")}
              </th>
              {canManage ? (
                <th scope="col" className={thClass}>
                  {t("common.actions")}
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {categories.map((c) => {
              const sibs = siblings(c);
              return (
                <tr key={c.id} className="hover:bg-slate-50" data-testid={`category-${c.id}`}>
                  <td className={`${tdClass} leading-9`}>
                    <span style={{ paddingLeft: `${c.depth * 1.5}rem` }} className="inline-flex items-center gap-1">
                      {c.depth > 0 ? (
                        <span aria-hidden className="text-slate-300">
                          └
                        </span>
                      ) : null}
                      <span className={c.depth === 0 ? "font-medium" : ""}>{c.name}</span>
                    </span>
                  </td>
                  <td className={`${tdClass} text-right tabular-nums leading-9`}>{c.productCount}</td>
                  <td className={`${tdClass} text-right tabular-nums leading-9`}>{c.childCount}</td>
                  {canManage ? (
                    <td className={tdClass}>
                      <CategoryActions
                        key={`${c.name}:${c.parentId}`}
                        category={c}
                        categories={categories}
                        isFirst={sibs[0]?.id === c.id}
                        isLast={sibs[sibs.length - 1]?.id === c.id}
                        actionData={actionData}
                      />
                    </td>
                  ) : null}
                </tr>
              );
            })}
            {categories.length === 0 ? <EmptyRow colSpan={4}>{t("products.categories.empty")}</EmptyRow> : null}
          </tbody>
        </DataTable>
        <p className="text-sm text-slate-500">{t("products.categories.deleteRule")}</p>
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
