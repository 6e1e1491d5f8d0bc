import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { actorOf, requirePermission } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { Card, PageHeader } from "../../components/card";
import { DateTime } from "../../components/date-time";
import { Notice } from "../../components/notice";
import { ListedBadge } from "../../components/product-badges";
import { ProductForm } from "../../components/product-form";
import { RouteErrorBoundary } from "../../components/route-error";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import {
  applyRowIntent,
  type ProductFormValues,
  parseProductForm,
  productToFormValues,
} from "../../forms/product-form";
import { problemsToFieldErrors } from "../../forms/product-form-errors";
import { readUploadForm } from "../../http/upload.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { listCategories } from "../../services/categories.server";
import {
  addProductImages,
  IMAGE_MAX_BYTES,
  type ImageRejection,
  moveProductImage,
  removeProductImage,
} from "../../services/images.server";
import { getProduct, updateProduct } from "../../services/products.server";
import type { Route } from "./+types/product-edit";

const MAX_FILES = 10;
// Room for a full batch of maximum-size files; each file is then checked on its own.
const MAX_UPLOAD_BYTES = MAX_FILES * IMAGE_MAX_BYTES + 1024 * 1024;

function productIdOf(params: { productId: string }): number {
  if (!/^\d{1,9}$/.test(params.productId)) throw data(null, { status: 404 });
  return Number(params.productId);
}

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "product.view");
  const { db } = getDatabase();
  const product = await getProduct(db, viewer.grant, productIdOf(params));
  if (!product) throw data(null, { status: 404 });
  const categories = await listCategories(db, viewer.grant);
  const url = new URL(request.url);
  const t = getI18n(context).t;
  return {
    title: `${product.name} · ${t("products.list.title")} · ${t("app.name")}`,
    product,
    categories: categories.map((c) => ({ id: c.id, name: c.name, depth: c.depth })),
    canManage: viewer.grant.permissions.has("product.manage"),
    saved: url.searchParams.get("saved"),
    kept: (url.searchParams.get("kept") ?? "").split(",").filter(Boolean).slice(0, 50),
  };
}

type ActionData =
  | { kind: "product"; values: ProductFormValues; fieldErrors: Record<string, string>; formError?: string }
  | {
      kind: "images";
      added: number;
      rejected: Array<{ name: string; error: ImageRejection }>;
      formError?: string;
    };

const imageMoveSchema = z.object({
  imageId: z
    .string()
    .regex(/^\d{1,9}$/)
    .transform(Number),
  direction: z.enum(["up", "down"]).optional(),
});

export async function action({ request, params, context }: Route.ActionArgs) {
  const viewer = requirePermission(request, context, "product.manage");
  const productId = productIdOf(params);
  const actor = { ...actorOf(viewer, context), grant: viewer.grant };
  const { db } = getDatabase();
  const now = new Date();

  if ((request.headers.get("content-type") ?? "").startsWith("multipart/form-data")) {
    const upload = await readUploadForm(request, MAX_UPLOAD_BYTES);
    if (!upload.ok) {
      const formError = upload.error === "tooLarge" ? "products.images.batchTooLarge" : "products.images.malformed";
      return data<ActionData>({ kind: "images", added: 0, rejected: [], formError }, { status: 413 });
    }
    const files = upload.form.getAll("images").filter((f): f is File => typeof f !== "string" && f.name !== "");
    if (!files.length) {
      return data<ActionData>(
        { kind: "images", added: 0, rejected: [], formError: "products.images.noFiles" },
        { status: 400 },
      );
    }
    if (files.length > MAX_FILES) {
      return data<ActionData>(
        { kind: "images", added: 0, rejected: [], formError: "products.images.tooManyFiles" },
        { status: 400 },
      );
    }
    const result = await addProductImages(
      db,
      actor,
      productId,
      await Promise.all(files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) }))),
      now,
    );
    if (!result.ok) throw data(null, { status: 404 });
    return data<ActionData>(
      { kind: "images", added: result.added.length, rejected: result.rejected },
      // 200 whenever something was added: the page reloads its images only after a successful action.
      { status: result.added.length || !result.rejected.length ? 200 : 400 },
    );
  }

  const form = await request.formData();
  const intent = String(form.get("intent") ?? "save");
  if (intent === "removeImage" || intent === "moveImage") {
    const parsed = imageMoveSchema.safeParse(Object.fromEntries(form));
    if (!parsed.success) throw data(null, { status: 400 });
    const input = { productId, imageId: parsed.data.imageId };
    const result =
      intent === "removeImage"
        ? await removeProductImage(db, actor, input, now)
        : await moveProductImage(db, actor, { ...input, direction: parsed.data.direction ?? "up" }, now);
    if (!result.ok) throw data(null, { status: 404 });
    return data<ActionData>({ kind: "images", added: 0, rejected: [] });
  }

  const parsed = parseProductForm(form);
  const reshaped = applyRowIntent(parsed.values, intent);
  if (reshaped) return data<ActionData>({ kind: "product", values: reshaped, fieldErrors: {} });
  if (!parsed.ok) {
    return data<ActionData>(
      { kind: "product", values: parsed.values, fieldErrors: parsed.fieldErrors },
      { status: 400 },
    );
  }
  const result = await updateProduct(
    db,
    actor,
    productId,
    { ...parsed.data, expectedUpdatedAt: parsed.data.updatedAt ?? null },
    now,
  );
  if (result.ok) {
    const kept = result.keptSkuCodes.length ? `&kept=${encodeURIComponent(result.keptSkuCodes.join(","))}` : "";
    return redirect(`/admin/products/${productId}?saved=updated${kept}`);
  }
  if (result.error === "invalid") {
    return data<ActionData>(
      { kind: "product", values: parsed.values, fieldErrors: problemsToFieldErrors(result.problems) },
      { status: 400 },
    );
  }
  if (result.error === "not_found") throw data(null, { status: 404 });
  return data<ActionData>(
    { kind: "product", values: parsed.values, fieldErrors: {}, formError: "products.errors.stale" },
    { status: 409 },
  );
}

function ProductImages({
  productName,
  images,
  canManage,
  result,
}: {
  productName: string;
  images: Array<{ id: number; width: number; height: number }>;
  canManage: boolean;
  result?: Extract<ActionData, { kind: "images" }>;
}) {
  const { t } = useTranslation();
  const navigation = useNavigation();
  const uploading = navigation.state === "submitting" && navigation.formEncType === "multipart/form-data";
  const small = "min-h-8 rounded px-2 text-xs ring-1 ring-inset ring-slate-300 bg-white hover:bg-slate-50";
  return (
    <Card>
      <h2 className="mb-3 text-base font-semibold">{t("products.images.heading")}</h2>
      {result?.formError ? (
        <div className="mb-3">
          <Notice tone="error">{t(result.formError, { max: MAX_FILES })}</Notice>
        </div>
      ) : null}
      {result && (result.added > 0 || result.rejected.length > 0) ? (
        <div className="mb-3 space-y-2">
          {result.added > 0 ? (
            <Notice tone="success">{t("products.images.added", { count: result.added })}</Notice>
          ) : null}
          {result.rejected.length ? (
            <Notice tone="error">
              <p className="font-medium">{t("products.images.rejectedHeading")}</p>
              <ul className="mt-1 list-disc pl-5">
                {result.rejected.map((r, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: two files may share a name
                  <li key={i}>
                    <span className="font-mono">{r.name}</span>: {t(`products.images.errors.${r.error}`)}
                  </li>
                ))}
              </ul>
            </Notice>
          ) : null}
        </div>
      ) : null}
      {images.length ? (
        <ol className="mb-4 flex flex-wrap gap-3">
          {images.map((image, index) => (
            <li key={image.id} className="w-36 rounded-md border border-slate-200 p-2" data-testid="product-image">
              <a href={`/images/${image.id}/full`} target="_blank" rel="noreferrer">
                <img
                  src={`/images/${image.id}/thumb`}
                  alt={t("products.images.alt", { name: productName, n: index + 1 })}
                  className="aspect-square w-full rounded bg-slate-50 object-contain"
                />
              </a>
              <p className="mt-1 text-xs text-slate-500">
                {index === 0 ? t("products.images.main") : `#${index + 1}`} · {image.width}×{image.height}
              </p>
              {canManage ? (
                <div className="mt-1 flex gap-1">
                  <Form method="post">
                    <input type="hidden" name="intent" value="moveImage" />
                    <input type="hidden" name="imageId" value={image.id} />
                    <button
                      type="submit"
                      name="direction"
                      value="up"
                      disabled={index === 0}
                      className={`${small} disabled:opacity-40`}
                      aria-label={t("products.images.moveEarlier", { n: index + 1 })}
                    >
                      ←
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="intent" value="moveImage" />
                    <input type="hidden" name="imageId" value={image.id} />
                    <button
                      type="submit"
                      name="direction"
                      value="down"
                      disabled={index === images.length - 1}
                      className={`${small} disabled:opacity-40`}
                      aria-label={t("products.images.moveLater", { n: index + 1 })}
                    >
                      →
                    </button>
                  </Form>
                  <Form method="post" className="ml-auto">
                    <input type="hidden" name="intent" value="removeImage" />
                    <input type="hidden" name="imageId" value={image.id} />
                    <button
                      type="submit"
                      className={`${small} text-red-700`}
                      aria-label={t("products.images.remove", { n: index + 1 })}
                    >
                      {t("common.delete")}
                    </button>
                  </Form>
                </div>
              ) : null}
            </li>
          ))}
        </ol>
      ) : (
        <p className="mb-4 text-sm text-slate-500">{t("products.images.none")}</p>
      )}
      {canManage ? (
        <Form
          method="post"
          encType="multipart/form-data"
          className="flex flex-wrap items-end gap-3"
          key={`${result?.added ?? 0}-${images.length}`}
        >
          <label className="flex flex-col gap-1 text-sm font-medium text-slate-700">
            {t("products.images.choose")}
            <input
              type="file"
              name="images"
              multiple
              accept="image/png,image/jpeg,image/webp"
              className="text-sm file:mr-3 file:min-h-10 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:text-sm"
            />
          </label>
          <Button type="submit" variant="secondary" disabled={uploading}>
            {uploading ? t("products.images.uploading") : t("products.images.upload")}
          </Button>
          <p className="w-full text-xs text-slate-500">{t("products.images.rules", { max: MAX_FILES })}</p>
        </Form>
      ) : null}
    </Card>
  );
}

export default function ProductEdit({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const { product, categories, canManage, saved, kept } = loaderData;
  const productResult = actionData?.kind === "product" ? actionData : undefined;
  const imageResult = actionData?.kind === "images" ? actionData : undefined;
  const skuInUse = Object.fromEntries(product.skus.map((s) => [String(s.id), s.inUse]));
  return (
    <>
      <PageHeader title={product.name}>
        <div className="flex items-center gap-3 text-sm">
          <ListedBadge listed={product.listed} />
          <span className="text-slate-500">
            {t("products.form.updatedAt")} <DateTime iso={product.updatedAt} />
          </span>
          <Link to="/admin/products" className="link">
            ← {t("products.list.title")}
          </Link>
        </div>
      </PageHeader>
      <div className="space-y-4">
        {saved && !actionData && navigation.state === "idle" ? (
          <Notice tone="success">{t(saved === "created" ? "products.form.created" : "products.form.saved")}</Notice>
        ) : null}
        {kept.length && !actionData ? (
          <Notice tone="warning">{t("products.sku.keptNotice", { codes: kept.join("、"), count: kept.length })}</Notice>
        ) : null}
        {canManage ? null : <Notice tone="info">{t("products.form.readOnly")}</Notice>}
        <ProductForm
          key={productResult ? JSON.stringify(productResult) : product.updatedAt}
          defaults={productResult?.values ?? productToFormValues(product)}
          fieldErrors={productResult?.fieldErrors}
          formError={productResult?.formError}
          categories={categories}
          skuInUse={skuInUse}
          readOnly={!canManage}
          submitLabel={t("common.save")}
        />
        <ProductImages productName={product.name} images={product.images} canManage={canManage} result={imageResult} />
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
