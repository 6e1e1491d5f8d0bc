import { randomUUID } from "node:crypto";
import { type ChangeEvent, useMemo, useState } from "react";
import { data, Form, Link, redirect, useNavigation } from "react-router";
import { actorOf, requireCustomer } from "../../auth/guards.server";
import { Button } from "../../components/button";
import { SelectField, TextAreaField } from "../../components/fields";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { StatusBadge } from "../../components/status-badge";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { nestReturnRequest, RETURN_REASON_OPTIONS, returnRequestSchema } from "../../forms/shop-return-form";
import { useZodForm } from "../../forms/use-zod-form";
import { readUploadForm } from "../../http/upload.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { IMAGE_MAX_BYTES } from "../../services/images.server";
import { createReturn, RETURN_PHOTO_LIMIT, returnableLines } from "../../services/returns.server";
import type { Route } from "./+types/return-new";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

const PHOTO_TYPES = "image/png,image/jpeg,image/webp";

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const orderNumber = new URL(request.url).searchParams.get("order")?.trim() ?? "";
  if (!orderNumber) throw redirect("/shop/returns?view=returnable");
  // Another customer's order answers exactly like one that does not exist.
  const order = await returnableLines(
    getDatabase().db,
    { kind: "customer", customerId: viewer.customer.id },
    orderNumber.slice(0, 40),
  );
  if (!order) throw data(null, { status: 404 });
  return {
    title: getI18n(context).t("returnsShop.new.title"),
    order,
    // One key per page view: a double submit or a retry of this form yields one return.
    idempotencyKey: randomUUID(),
    photoLimit: RETURN_PHOTO_LIMIT,
    photoMaxBytes: IMAGE_MAX_BYTES,
  };
}

type ActionData = {
  fieldErrors: Record<string, string>;
  /** Values for the messages, by field (e.g. how many units are still returnable). */
  params: Record<string, Record<string, string | number>>;
  values: Record<string, string>;
  /** Photos were attached: a browser cannot keep chosen files after a refused post. */
  hadPhotos: boolean;
};

// Every photo at the image limit plus the short fields; anything larger is cut off as it streams in.
const UPLOAD_LIMIT = RETURN_PHOTO_LIMIT * IMAGE_MAX_BYTES + 64 * 1024;

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requireCustomer(request, context);
  const upload = await readUploadForm(request, UPLOAD_LIMIT);
  const refused = (status: number, body: Partial<ActionData>) =>
    data<ActionData>({ fieldErrors: {}, params: {}, values: {}, hadPhotos: false, ...body }, { status });
  if (!upload.ok)
    return refused(413, {
      fieldErrors: {
        photos: upload.error === "tooLarge" ? "returnsShop.new.uploadTooLarge" : "funds.errors.malformed",
      },
      params: { photos: { limit: RETURN_PHOTO_LIMIT } },
    });
  const values: Record<string, string> = {};
  const files: File[] = [];
  for (const [key, value] of upload.form.entries()) {
    if (typeof value === "string") values[key] = value;
    else if (key === "photos" && value.size > 0) files.push(value);
  }
  const hadPhotos = files.length > 0;
  const parsed = returnRequestSchema().safeParse(nestReturnRequest(values));
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[issue.path.join(".") || "_form"] ??= issue.message;
    return refused(400, { fieldErrors, values, hadPhotos });
  }
  const input = parsed.data;
  const chosen = input.lines.filter((l) => l.quantity > 0);
  const result = await createReturn(
    getDatabase().db,
    { ...actorOf(viewer, context), kind: "customer", customerId: viewer.customer.id },
    {
      orderNumber: input.order,
      idempotencyKey: input.idempotencyKey,
      note: input.note,
      lines: chosen.map((l) => ({
        orderLineId: l.orderLineId,
        quantity: l.quantity,
        reason: l.reason,
        note: l.note || undefined,
      })),
      photos: await Promise.all(files.map(async (f) => new Uint8Array(await f.arrayBuffer()))),
    },
    new Date(),
  );
  if (result.ok) return redirect(`/shop/returns/${encodeURIComponent(result.return.number)}?created=1`);
  if (result.error === "not_found") throw data(null, { status: 404 });
  const lineField = (orderLineId: number, field: string) =>
    `lines.${input.lines.findIndex((l) => l.orderLineId === orderLineId)}.${field}`;
  switch (result.error) {
    case "exceeds_returnable": {
      const field = lineField(result.orderLineId, "quantity");
      return refused(409, {
        fieldErrors: { [field]: "returns.error.exceeds_returnable" },
        params: { [field]: { returnable: result.returnable } },
        values,
        hadPhotos,
      });
    }
    case "note_required":
      return refused(400, {
        fieldErrors: { [lineField(result.orderLineId, "note")]: "returns.error.note_required" },
        values,
        hadPhotos,
      });
    case "photo":
      return refused(400, {
        fieldErrors: { photos: "returns.error.photo" },
        params: { photos: { index: result.index + 1, rejection: result.rejection } },
        values,
        hadPhotos,
      });
    case "too_many_photos":
      return refused(400, {
        fieldErrors: { photos: "returns.error.too_many_photos" },
        params: { photos: { limit: RETURN_PHOTO_LIMIT } },
        values,
        hadPhotos,
      });
    case "no_lines":
      return refused(400, { fieldErrors: { lines: "returns.error.no_lines" }, values, hadPhotos });
    default:
      return refused(409, { fieldErrors: { _form: `returns.error.${result.error}` }, values, hadPhotos });
  }
}

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

export default function NewReturn({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting";
  const { order, photoLimit, photoMaxBytes } = loaderData;
  const failed = actionData as ActionData | undefined;
  const values = failed?.values ?? {};
  // Only lines with units left get inputs; the form's line index is the position in this list.
  const open = order.lines.filter((l) => l.returnable > 0);
  const schema = useMemo(
    () =>
      returnRequestSchema(
        Object.fromEntries(order.lines.filter((l) => l.returnable > 0).map((l) => [l.orderLineId, l.returnable])),
      ),
    [order],
  );
  const form = useZodForm(schema, {
    defaultValues: {
      order: order.orderNumber,
      idempotencyKey: values.idempotencyKey ?? loaderData.idempotencyKey,
      note: values.note ?? "",
      lines: open.map((l, i) => ({
        orderLineId: String(l.orderLineId),
        quantity: values[`lines.${i}.quantity`] ?? "",
        reason: (values[`lines.${i}.reason`] ?? "quality") as (typeof RETURN_REASON_OPTIONS)[number],
        note: values[`lines.${i}.note`] ?? "",
      })),
    },
    serverErrors: failed?.fieldErrors,
  });
  const [photos, setPhotos] = useState<Array<{ key: string; name: string; size: number }>>([]);
  const [photoProblem, setPhotoProblem] = useState<string | null>(null);
  const message = (name: string, fallback: Record<string, string | number> = {}) => {
    const key = form.errorKey(name);
    if (!key) return undefined;
    const params = { ...fallback, ...(failed?.params[name] ?? {}) };
    if (key === "returns.error.photo")
      return t(key, { ...params, problem: t(`returnsShop.photoProblem.${params.rejection}`) });
    return t(key, params);
  };
  const onPhotos = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = [...(event.currentTarget.files ?? [])];
    setPhotos(chosen.map((f, n) => ({ key: `${n}:${f.name}`, name: f.name, size: f.size })));
    const tooBig = chosen.findIndex((f) => f.size > photoMaxBytes);
    setPhotoProblem(
      chosen.length > photoLimit
        ? t("returns.error.too_many_photos", { limit: photoLimit })
        : tooBig >= 0
          ? t("returns.error.photo", { index: tooBig + 1, problem: t("returnsShop.photoProblem.too_large") })
          : null,
    );
  };
  const photoError = photoProblem ?? message("photos", { limit: photoLimit });
  const formError = failed?.fieldErrors._form ? t(failed.fieldErrors._form) : undefined;
  const linesError = message("lines");

  if (!order.canReturn || open.length === 0)
    return (
      <>
        <Header order={order} />
        <div className="mt-4">
          <Notice tone="warning">
            {order.canReturn ? t("returnsShop.new.nothingLeft") : t("returns.error.not_returnable")}
          </Notice>
        </div>
        <Link to="/shop/returns" className="mt-4 inline-block text-sm text-brand-700 underline">
          {t("returnsShop.backToList")}
        </Link>
      </>
    );

  return (
    <>
      <Header order={order} />
      <p className="mt-1 text-sm text-slate-600">{t("returnsShop.new.intro")}</p>
      <Form
        method="post"
        encType="multipart/form-data"
        noValidate
        onSubmit={(event) => {
          if (photoProblem) {
            event.preventDefault();
            return;
          }
          form.onSubmit(event);
        }}
        className="mt-4 space-y-4"
      >
        <input type="hidden" {...form.field("order")} />
        <input type="hidden" {...form.field("idempotencyKey")} />
        {formError ? <Notice tone="error">{formError}</Notice> : null}
        {linesError ? <Notice tone="error">{linesError}</Notice> : null}
        <ul className="space-y-3">
          {order.lines.map((l) => {
            const i = open.indexOf(l);
            return (
              <li
                key={l.orderLineId}
                className="rounded-lg border border-slate-200 bg-white p-3 sm:p-4"
                data-testid="return-line"
                data-line-index={i < 0 ? undefined : i}
                data-returnable={l.returnable}
              >
                <p className="font-medium">
                  {l.productName} <span className="text-sm font-normal text-slate-500">{l.spec}</span>
                </p>
                <p className="font-mono text-xs text-slate-500">{l.skuCode}</p>
                <dl className="mt-2 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
                  <Figure label={t("returns.line.shipped")} value={`${l.shipped} ${l.unit}`} />
                  <Figure label={t("returns.line.returned")} value={`${l.claimed} ${l.unit}`} />
                  <Figure label={t("returns.line.returnable")} value={`${l.returnable} ${l.unit}`} strong />
                  <div className="flex justify-between gap-2 sm:block">
                    <dt className="text-slate-500">{t("returns.line.unitPaid")}</dt>
                    <dd>
                      <Money fen={l.unitPaid} />
                    </dd>
                  </div>
                </dl>
                {i < 0 ? null : (
                  <div className="mt-3 grid gap-3 sm:grid-cols-3">
                    <input type="hidden" {...form.field(`lines.${i}.orderLineId`)} />
                    <TextField
                      label={t("returnsShop.new.quantity", { max: l.returnable, unit: l.unit })}
                      inputMode="numeric"
                      autoComplete="off"
                      placeholder="0"
                      error={message(`lines.${i}.quantity`, { returnable: l.returnable })}
                      {...form.field(`lines.${i}.quantity`)}
                    />
                    <SelectField
                      label={t("returns.line.reason")}
                      options={RETURN_REASON_OPTIONS.map((r) => ({ value: r, label: t(`returns.reason.${r}`) }))}
                      error={message(`lines.${i}.reason`)}
                      {...form.field(`lines.${i}.reason`)}
                    />
                    <TextField
                      label={t("returnsShop.new.lineNote")}
                      autoComplete="off"
                      error={message(`lines.${i}.note`)}
                      {...form.field(`lines.${i}.note`)}
                    />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
        <div className="grid gap-4 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2">
          <TextAreaField label={t("returnsShop.new.note")} rows={3} error={message("note")} {...form.field("note")} />
          <div className="min-w-0">
            <label htmlFor="return-photos" className="mb-1 block text-sm font-medium text-slate-700">
              {t("returnsShop.new.photos")}
            </label>
            <input
              id="return-photos"
              type="file"
              name="photos"
              multiple
              accept={PHOTO_TYPES}
              onChange={onPhotos}
              aria-invalid={photoError ? true : undefined}
              aria-describedby={photoError ? "return-photos-error" : "return-photos-hint"}
              className="block w-full min-w-0 text-sm file:mr-3 file:min-h-10 file:rounded-md file:border-0 file:bg-slate-100 file:px-3 file:text-sm"
            />
            <p id="return-photos-hint" className="mt-1 text-xs text-slate-500">
              {t("returnsShop.new.photosHint", { limit: photoLimit })}
            </p>
            {photos.length ? (
              <ul className="mt-2 space-y-0.5 text-xs text-slate-600" data-testid="chosen-photos">
                {photos.map((p) => (
                  <li key={p.key} className="flex justify-between gap-2">
                    <span className="min-w-0 truncate">{p.name}</span>
                    <span className="shrink-0 tabular-nums">{sizeText(p.size)}</span>
                  </li>
                ))}
              </ul>
            ) : null}
            {photoError ? (
              <p id="return-photos-error" className="mt-1 text-sm text-red-600">
                {photoError}
              </p>
            ) : failed?.hadPhotos ? (
              <p className="mt-1 text-sm text-amber-700">{t("returnsShop.new.photosAgain")}</p>
            ) : null}
          </div>
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" disabled={submitting} className="w-full sm:w-auto">
            {submitting
              ? photos.length
                ? t("returnsShop.new.uploading", { count: photos.length })
                : t("returnsShop.new.submitting")
              : t("returnsShop.new.submit")}
          </Button>
          {submitting && photos.length ? (
            <span
              role="progressbar"
              aria-label={t("returnsShop.new.uploading", { count: photos.length })}
              className="h-1.5 w-40 overflow-hidden rounded-full bg-slate-200"
            >
              <span className="block h-full w-1/3 animate-pulse rounded-full bg-brand-600" />
            </span>
          ) : null}
          <Link
            to={`/shop/orders/${encodeURIComponent(order.orderNumber)}`}
            className="text-sm text-slate-600 underline"
          >
            {t("returnsShop.new.cancel")}
          </Link>
        </div>
      </Form>
    </>
  );
}

function Header({ order }: { order: { orderNumber: string; orderStatus: string } }) {
  const { t } = useTranslation();
  return (
    <>
      <Link to="/shop/returns" className="text-sm text-brand-700">
        ← {t("returnsShop.title")}
      </Link>
      <h1 className="mt-2 text-xl font-semibold">{t("returnsShop.new.title")}</h1>
      <p className="mt-1 flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-500">{t("returns.order")}</span>
        <Link
          to={`/shop/orders/${encodeURIComponent(order.orderNumber)}`}
          className="font-mono text-brand-700 underline"
        >
          {order.orderNumber}
        </Link>
        <StatusBadge status={order.orderStatus} label={t(`orders.status.${order.orderStatus}`)} />
      </p>
    </>
  );
}

function Figure({ label, value, strong = false }: { label: string; value: string; strong?: boolean }) {
  return (
    <div className="flex justify-between gap-2 sm:block">
      <dt className="text-slate-500">{label}</dt>
      <dd className={`tabular-nums ${strong ? "font-semibold text-slate-900" : ""}`}>{value}</dd>
    </div>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
