import { zodResolver } from "@hookform/resolvers/zod";
import { useFieldArray, useForm } from "react-hook-form";
import { Form, useNavigation, useSubmit } from "react-router";
import { PRODUCT_TAGS } from "../domain/product-tags";
import { categoryOptions } from "../forms/category-forms";
import {
  emptySkuRow,
  type ProductFormData,
  type ProductFormInput,
  type ProductFormValues,
  productFormSchema,
  type SkuRowValues,
} from "../forms/product-form";
import { useTranslation } from "../i18n/use-translation";
import { Button } from "./button";
import { Card } from "./card";
import { SelectField, TextAreaField } from "./fields";
import { Notice } from "./notice";
import { TextField } from "./text-field";

const UNITS = ["件", "箱", "瓶", "袋", "包", "盒", "提", "桶", "罐", "支", "个", "套"];

const cellInput = (error?: string) =>
  `h-9 w-full rounded-md border bg-white px-2 text-sm ${error ? "border-red-500" : "border-slate-300"} disabled:bg-slate-50`;

/**
 * The product form (商品) shared by "new" and "edit": basic fields and a table of SKU rows
 * (规格). Without JavaScript, "add row" and "remove row" post to the server, which answers with
 * the form as typed plus or minus a row; with it, react-hook-form does the same in place.
 */
export function ProductForm({
  defaults,
  fieldErrors = {},
  formError,
  categories,
  skuInUse = {},
  readOnly = false,
  submitLabel,
}: {
  defaults: ProductFormValues;
  fieldErrors?: Record<string, string>;
  formError?: string;
  categories: ReadonlyArray<{ id: number; name: string; depth: number }>;
  /** Saved SKU ids that orders or stock records point at: unlist instead of delete. */
  skuInUse?: Record<string, boolean>;
  readOnly?: boolean;
  submitLabel: string;
}) {
  const { t } = useTranslation();
  const submit = useSubmit();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting";
  const { register, control, handleSubmit, formState } = useForm<ProductFormInput, unknown, ProductFormData>({
    resolver: zodResolver(productFormSchema),
    defaultValues: defaults,
  });
  // The rows' own `id` is the saved SKU id, so React's key goes in `key`.
  const { fields, append, remove } = useFieldArray({ control, name: "skus", keyName: "key" });
  const errors = formState.errors;
  const message = (path: string, clientKey?: string) => {
    const key = clientKey ?? fieldErrors[path];
    return key ? t(key) : undefined;
  };
  const skuError = (index: number, field: string) =>
    message(
      `skus.${index}.${field}`,
      (errors.skus?.[index] as Record<string, { message?: string }> | undefined)?.[field]?.message,
    );
  const skusError = message("skus", errors.skus?.message ?? errors.skus?.root?.message);

  return (
    <Form
      method="post"
      noValidate
      className="space-y-4"
      onSubmit={(event) => {
        const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
        const target = submitter ?? event.currentTarget;
        void handleSubmit(() => submit(target))(event);
      }}
    >
      {/* Enter in any field saves: the form's first submit button is the default one. */}
      <button type="submit" name="intent" value="save" tabIndex={-1} aria-hidden className="sr-only">
        {submitLabel}
      </button>
      <input type="hidden" defaultValue={defaults.updatedAt} {...register("updatedAt")} />
      {formError ? <Notice tone="error">{t(formError)}</Notice> : null}
      <fieldset disabled={readOnly} className="space-y-4">
        <Card>
          <h2 className="mb-3 text-base font-semibold">{t("products.form.basics")}</h2>
          <div className="grid gap-4 md:grid-cols-2">
            <TextField
              label={t("products.fields.name")}
              defaultValue={defaults.name}
              maxLength={100}
              error={message("name", errors.name?.message)}
              {...register("name")}
            />
            <SelectField
              label={t("products.fields.category")}
              defaultValue={defaults.categoryId}
              options={categoryOptions(categories, t("products.noCategory"))}
              error={message("categoryId", errors.categoryId?.message)}
              {...register("categoryId")}
            />
            <TextAreaField
              label={t("products.fields.description")}
              className="md:col-span-2"
              rows={3}
              defaultValue={defaults.description}
              error={message("description", errors.description?.message)}
              {...register("description")}
            />
            <fieldset>
              <legend className="mb-1 block text-sm font-medium text-slate-700">{t("products.fields.tags")}</legend>
              <div className="flex flex-wrap gap-4">
                {PRODUCT_TAGS.map((tag) => (
                  <label key={tag} className="inline-flex min-h-11 items-center gap-2 text-sm text-slate-700">
                    <input
                      type="checkbox"
                      value={tag}
                      defaultChecked={defaults.tags.includes(tag)}
                      className="size-4 rounded border-slate-300"
                      {...register("tags")}
                    />
                    {t(`products.tags.${tag}`)}
                  </label>
                ))}
              </div>
            </fieldset>
            <div>
              <span className="mb-1 block text-sm font-medium text-slate-700">{t("common.status")}</span>
              <label className="inline-flex min-h-11 items-center gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  value="1"
                  defaultChecked={defaults.listed}
                  className="size-4 rounded border-slate-300"
                  {...register("listed")}
                />
                {t("products.form.listedHint")}
              </label>
            </div>
          </div>
        </Card>

        <Card>
          <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
            <h2 className="text-base font-semibold">{t("products.sku.heading")}</h2>
            {readOnly ? null : (
              <button
                type="submit"
                name="intent"
                value="addSku"
                className="min-h-9 rounded-md px-3 text-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50"
                onClick={(event) => {
                  event.preventDefault();
                  append(emptySkuRow());
                }}
              >
                + {t("products.sku.add")}
              </button>
            )}
          </div>
          <p className="mb-3 text-sm text-slate-500">{t("products.sku.help")}</p>
          {skusError ? (
            <p role="alert" className="mb-2 text-sm text-red-600">
              {skusError}
            </p>
          ) : null}
          <div className="overflow-x-auto">
            <table className="min-w-full text-sm">
              <thead>
                <tr className="text-left text-xs font-semibold text-slate-500">
                  <th scope="col" className="px-1 py-1">
                    {t("products.sku.spec")}
                  </th>
                  <th scope="col" className="px-1 py-1">
                    {t("products.sku.code")}
                  </th>
                  <th scope="col" className="px-1 py-1">
                    {t("products.sku.barcode")}
                  </th>
                  <th scope="col" className="px-1 py-1">
                    {t("products.sku.unit")}
                  </th>
                  <th scope="col" className="px-1 py-1">
                    {t("products.sku.basePrice")}
                  </th>
                  <th scope="col" className="px-1 py-1">
                    {t("products.sku.retailPrice")}
                  </th>
                  <th scope="col" className="px-1 py-1">
                    {t("products.sku.minQty")}
                  </th>
                  <th scope="col" className="px-1 py-1">
                    {t("products.sku.maxQty")}
                  </th>
                  <th scope="col" className="px-1 py-1">
                    {t("products.sku.multiple")}
                  </th>
                  <th scope="col" className="whitespace-nowrap px-1 py-1">
                    {t("products.listed")}
                  </th>
                  <th scope="col" className="px-1 py-1">
                    <span className="sr-only">{t("common.actions")}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {fields.map((field, index) => {
                  const row = field as unknown as SkuRowValues & { key: string };
                  const inUse = Boolean(row.id && skuInUse[row.id]);
                  const cell = (
                    name:
                      | "spec"
                      | "code"
                      | "barcode"
                      | "unit"
                      | "basePrice"
                      | "retailPrice"
                      | "minQty"
                      | "maxQty"
                      | "multiple",
                    width: string,
                    extra: Record<string, string | number> = {},
                  ) => {
                    const error = skuError(index, name);
                    return (
                      <td className={`px-1 py-1 align-top ${width}`}>
                        <input
                          aria-label={`${t(`products.sku.${name}`)} #${index + 1}`}
                          defaultValue={row[name]}
                          aria-invalid={error ? true : undefined}
                          className={cellInput(error)}
                          {...extra}
                          {...register(`skus.${index}.${name}`)}
                        />
                        {error ? <p className="mt-0.5 text-xs text-red-600">{error}</p> : null}
                      </td>
                    );
                  };
                  return (
                    <tr key={row.key} className="border-t border-slate-100" data-testid="sku-row">
                      {cell("spec", "min-w-44", { placeholder: t("products.sku.specPlaceholder"), maxLength: 100 })}
                      {cell("code", "min-w-32", { maxLength: 64, autoCapitalize: "none", spellCheck: "false" })}
                      {cell("barcode", "min-w-32", { maxLength: 64, inputMode: "numeric" })}
                      {cell("unit", "w-20 min-w-16", { list: "sku-units", maxLength: 10 })}
                      {cell("basePrice", "w-28 min-w-24", { inputMode: "decimal", placeholder: "0.00" })}
                      {cell("retailPrice", "w-28 min-w-24", { inputMode: "decimal", placeholder: "0.00" })}
                      {cell("minQty", "w-20 min-w-16", { inputMode: "numeric" })}
                      {cell("maxQty", "w-20 min-w-16", { inputMode: "numeric", placeholder: "—" })}
                      {cell("multiple", "w-20 min-w-16", { inputMode: "numeric" })}
                      <td className="px-1 py-1 text-center align-top">
                        <input type="hidden" defaultValue={row.id} {...register(`skus.${index}.id`)} />
                        <input
                          type="checkbox"
                          value="1"
                          defaultChecked={row.listed}
                          aria-label={`${t("products.listed")} #${index + 1}`}
                          className="mt-2.5 size-4 rounded border-slate-300"
                          {...register(`skus.${index}.listed`)}
                        />
                      </td>
                      <td className="px-1 py-1 align-top">
                        {readOnly ? null : inUse ? (
                          <span
                            className="mt-2 inline-block whitespace-nowrap text-xs text-amber-700"
                            title={t("products.sku.inUseHelp")}
                          >
                            {t("products.sku.inUse")}
                          </span>
                        ) : (
                          <button
                            type="submit"
                            name="intent"
                            value={`removeSku:${index}`}
                            disabled={fields.length === 1}
                            aria-label={t("products.sku.remove", { n: index + 1 })}
                            title={t("products.sku.remove", { n: index + 1 })}
                            className="min-h-9 rounded-md px-2 text-red-700 hover:bg-red-50 disabled:opacity-30"
                            onClick={(event) => {
                              event.preventDefault();
                              remove(index);
                            }}
                          >
                            ✕
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <datalist id="sku-units">
            {UNITS.map((u) => (
              <option key={u} value={u} />
            ))}
          </datalist>
          {!readOnly && Object.values(skuInUse).some(Boolean) ? (
            <p className="mt-2 text-xs text-amber-700">{t("products.sku.inUseHelp")}</p>
          ) : null}
        </Card>
      </fieldset>
      {readOnly ? null : (
        <div className="flex gap-2">
          <Button type="submit" name="intent" value="save" disabled={busy}>
            {busy ? t("products.form.saving") : submitLabel}
          </Button>
        </div>
      )}
    </Form>
  );
}
