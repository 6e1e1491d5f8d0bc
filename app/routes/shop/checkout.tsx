import { randomUUID } from "node:crypto";
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { data, Form, Link, redirect, useNavigation, useSubmit } from "react-router";
import { z } from "zod";
import { actorOf, requireCustomer } from "../../auth/guards.server";
import { Button, buttonClass } from "../../components/button";
import { TextAreaField } from "../../components/fields";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { RouteErrorBoundary } from "../../components/route-error";
import { TextField } from "../../components/text-field";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { businessDay } from "../../domain/document-number";
import { getEnv } from "../../env.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { getCart, removeFromCart } from "../../services/cart.server";
import { submitOrder } from "../../services/orders.server";
import { getSettings } from "../../services/settings.server";
import type { Route } from "./+types/checkout";

/** The checkout form; shared by react-hook-form in the browser and the action. */
const checkoutSchema = z
  .object({
    idempotencyKey: z.string().uuid(),
    addressChoice: z.string().min(1, "validation.required"),
    contactName: z.string().trim().max(50, "validation.tooLong").optional(),
    phone: z.string().trim().max(30, "validation.tooLong").optional(),
    address: z.string().trim().max(200, "validation.tooLong").optional(),
    requestedDeliveryDate: z
      .string()
      .regex(/^(\d{4}-\d{2}-\d{2})?$/, "validation.invalid")
      .optional(),
    remark: z.string().trim().max(500, "validation.tooLong").optional(),
    contractNo: z.string().trim().max(50, "validation.tooLong").optional(),
  })
  .superRefine((v, ctx) => {
    if (v.addressChoice !== "new") return;
    for (const field of ["contactName", "phone", "address"] as const) {
      if (!v[field]) ctx.addIssue({ code: "custom", path: [field], message: "validation.required" });
    }
  });

type CheckoutForm = z.infer<typeof checkoutSchema>;

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const { db } = getDatabase();
  const [cart, addresses, customer] = await Promise.all([
    getCart(db, viewer.customer.id, await getSettings(db)),
    db
      .selectFrom("customer_addresses")
      .select(["id", "contact_name", "phone", "address", "is_default"])
      .where("customer_id", "=", viewer.customer.id)
      .orderBy("is_default", "desc")
      .orderBy("id")
      .execute(),
    db
      .selectFrom("customers")
      .select(["contact_name", "phone", "address"])
      .where("id", "=", viewer.customer.id)
      .executeTakeFirstOrThrow(),
  ]);
  if (!cart.lines.length) throw redirect("/shop/cart");
  const today = businessDay(new Date(), getEnv().APP_TIMEZONE);
  return {
    title: getI18n(context).t("shop.checkout.title"),
    cart,
    // One key per checkout page: a double click or a retry of this form places one order.
    idempotencyKey: randomUUID(),
    today: `${today.slice(0, 4)}-${today.slice(4, 6)}-${today.slice(6)}`,
    addresses: [
      ...addresses.map((a) => ({
        value: String(a.id),
        contactName: a.contact_name,
        phone: a.phone,
        address: a.address,
      })),
      // The customer's main address, only when no delivery address has been saved yet.
      ...(customer.address && !addresses.length
        ? [{ value: "main", contactName: customer.contact_name, phone: customer.phone, address: customer.address }]
        : []),
    ],
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requireCustomer(request, context);
  const { db } = getDatabase();
  const form = Object.fromEntries(await request.formData());
  const values = Object.fromEntries(Object.entries(form).map(([k, v]) => [k, String(v)]));
  const parsed = checkoutSchema.safeParse(values);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0])] ??= issue.message;
    return data({ fieldErrors, values, formError: null }, { status: 400 });
  }
  const input = parsed.data;
  const today = businessDay(new Date(), getEnv().APP_TIMEZONE);
  if (input.requestedDeliveryDate && input.requestedDeliveryDate.replaceAll("-", "") < today) {
    const fieldErrors: Record<string, string> = { requestedDeliveryDate: "shop.checkout.dateInPast" };
    return data({ fieldErrors, values, formError: null }, { status: 400 });
  }
  // The lines come from the server-side cart, at prices the server computes.
  const cart = await getCart(db, viewer.customer.id, await getSettings(db));
  const result = await submitOrder(
    db,
    actorOf(viewer, context),
    {
      customerId: viewer.customer.id,
      idempotencyKey: input.idempotencyKey,
      lines: cart.lines.map((l) => l.input),
      addressId: /^\d+$/.test(input.addressChoice) ? Number(input.addressChoice) : null,
      address:
        input.addressChoice === "new"
          ? { contactName: input.contactName!, phone: input.phone!, address: input.address! }
          : null,
      requestedDeliveryDate: input.requestedDeliveryDate || null,
      remark: input.remark ?? "",
      contractNo: input.contractNo ?? "",
    },
    new Date(),
  );
  if (result.ok) {
    if (!result.replayed)
      await removeFromCart(
        db,
        viewer.customer.id,
        cart.lines.map((l) => l.skuId),
      );
    return redirect(`/shop/orders/${result.order.number}?placed=1`);
  }
  const formError =
    result.error === "invalid_lines" || result.error === "no_lines"
      ? "shop.checkout.linesChanged"
      : result.error === "idempotency_key_reused"
        ? "shop.checkout.reused"
        : "validation.invalid";
  return data(
    { fieldErrors: {} as Record<string, string>, values, formError },
    { status: result.error === "idempotency_key_reused" ? 409 : 422 },
  );
}

export default function Checkout({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const submit = useSubmit();
  const navigation = useNavigation();
  const { cart, addresses } = loaderData;
  const previous = actionData?.values;
  const defaults = {
    idempotencyKey: previous?.idempotencyKey ?? loaderData.idempotencyKey,
    addressChoice: previous?.addressChoice ?? addresses[0]?.value ?? "new",
    contactName: previous?.contactName ?? "",
    phone: previous?.phone ?? "",
    address: previous?.address ?? "",
    requestedDeliveryDate: previous?.requestedDeliveryDate ?? "",
    remark: previous?.remark ?? "",
    contractNo: previous?.contractNo ?? "",
  };
  const {
    register,
    handleSubmit,
    formState: { errors },
  } = useForm<CheckoutForm>({ resolver: zodResolver(checkoutSchema), defaultValues: defaults });
  // register() plus the starting value, so the server-rendered form (no JavaScript yet) shows it.
  const field = (name: keyof CheckoutForm) => ({ ...register(name), defaultValue: defaults[name] });

  const fieldError = (name: keyof CheckoutForm) => {
    const key = errors[name]?.message ?? actionData?.fieldErrors?.[name];
    return key ? t(key) : undefined;
  };
  const submitting = navigation.state === "submitting";
  return (
    <>
      <h1 className="text-xl font-semibold">{t("shop.checkout.title")}</h1>
      {actionData?.formError ? (
        <div className="mt-3">
          <Notice tone="error">
            {t(actionData.formError)}{" "}
            {actionData.formError === "shop.checkout.linesChanged" ? (
              <Link to="/shop/cart" className="underline">
                {t("shop.cart.title")}
              </Link>
            ) : null}
          </Notice>
        </div>
      ) : null}
      <Form
        method="post"
        noValidate
        className="mt-4 grid gap-6 lg:grid-cols-3"
        onSubmit={(event) => {
          const formElement = event.currentTarget;
          void handleSubmit(() => submit(formElement))(event);
        }}
      >
        <input type="hidden" {...field("idempotencyKey")} />
        <div className="min-w-0 space-y-4 lg:col-span-2">
          <fieldset className="rounded-lg border border-slate-200 bg-white p-4">
            <legend className="px-1 text-sm font-semibold">{t("shop.checkout.address")}</legend>
            <div className="space-y-2">
              {addresses.map((a) => (
                <label key={a.value} className="flex min-h-11 items-start gap-2 rounded-md p-2 hover:bg-slate-50">
                  <input
                    type="radio"
                    {...register("addressChoice")}
                    value={a.value}
                    defaultChecked={defaults.addressChoice === a.value}
                    className="mt-1"
                  />
                  <span className="text-sm">
                    <span className="font-medium">{a.contactName}</span> {a.phone}
                    <br />
                    <span className="text-slate-600">{a.address}</span>
                  </span>
                </label>
              ))}
              <label className="flex min-h-11 items-center gap-2 rounded-md p-2 hover:bg-slate-50">
                <input
                  type="radio"
                  {...register("addressChoice")}
                  value="new"
                  defaultChecked={defaults.addressChoice === "new"}
                />
                <span className="text-sm font-medium">{t("shop.checkout.addAddress")}</span>
              </label>
            </div>
            {/* Always present, so the form works without JavaScript; used when "new address" is chosen. */}
            {
              <div className="mt-3 grid gap-3 sm:grid-cols-2">
                <TextField
                  label={t("shop.checkout.contact")}
                  error={fieldError("contactName")}
                  {...field("contactName")}
                />
                <TextField
                  label={t("shop.checkout.phone")}
                  type="tel"
                  inputMode="tel"
                  error={fieldError("phone")}
                  {...field("phone")}
                />
                <TextField
                  label={t("shop.checkout.addressLine")}
                  className="sm:col-span-2"
                  error={fieldError("address")}
                  {...field("address")}
                />
              </div>
            }
          </fieldset>
          <div className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2">
            <TextField
              label={t("shop.checkout.deliveryDate")}
              type="date"
              min={loaderData.today}
              error={fieldError("requestedDeliveryDate")}
              {...field("requestedDeliveryDate")}
            />
            <TextField
              label={t("shop.checkout.contractNo")}
              error={fieldError("contractNo")}
              {...field("contractNo")}
            />
            <TextAreaField
              label={t("shop.checkout.remark")}
              rows={3}
              className="sm:col-span-2"
              error={fieldError("remark")}
              {...field("remark")}
            />
          </div>
        </div>
        <aside className="h-fit rounded-lg border border-slate-200 bg-white p-4">
          <ul className="divide-y divide-slate-100 text-sm">
            {cart.lines.map((l) => (
              <li key={l.skuId} className="flex justify-between gap-2 py-2">
                <span className="min-w-0">
                  <span className="block truncate">{l.sku?.productName}</span>
                  <span className="text-xs text-slate-500">
                    {l.sku?.spec} × {l.input.quantity}
                  </span>
                </span>
                {l.unitPrice !== null ? <Money fen={l.unitPrice * l.input.quantity} /> : null}
              </li>
            ))}
          </ul>
          <p className="mt-3 flex justify-between border-t border-slate-200 pt-3 font-semibold">
            <span>{t("shop.checkout.payable")}</span>
            <Money fen={cart.goods} className="text-lg text-brand-700" />
          </p>
          {cart.ok ? (
            <Button type="submit" className="mt-4 w-full" disabled={submitting}>
              {submitting ? t("shop.checkout.submitting") : t("shop.checkout.submit")}
            </Button>
          ) : (
            <Link to="/shop/cart" className={buttonClass("secondary", "mt-4 w-full")}>
              {t("shop.cart.fixProblems")}
            </Link>
          )}
        </aside>
      </Form>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
