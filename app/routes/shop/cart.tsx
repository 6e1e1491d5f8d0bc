import { data, Form, Link } from "react-router";
import { z } from "zod";
import { requireCustomer } from "../../auth/guards.server";
import { buttonClass } from "../../components/button";
import { Money } from "../../components/money";
import { Notice } from "../../components/notice";
import { ProblemText } from "../../components/problem-text";
import { ProductImage } from "../../components/product-image";
import { RouteErrorBoundary } from "../../components/route-error";
import { useActionResult } from "../../components/use-action-result";
import { getDatabase } from "../../db.server";
import { getI18n } from "../../i18n/i18n.server";
import { useTranslation } from "../../i18n/use-translation";
import { getCart, setCartQuantity } from "../../services/cart.server";
import { getSettings } from "../../services/settings.server";
import type { Route } from "./+types/cart";

export function meta({ data }: Route.MetaArgs) {
  return [{ title: data?.title ?? "Dinghuo" }];
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const { db } = getDatabase();
  const cart = await getCart(db, viewer.customer.id, await getSettings(db));
  return { title: getI18n(context).t("shop.cart.title"), cart };
}

const actionSchema = z.object({
  intent: z.enum(["update", "remove"]),
  skuId: z.coerce.number().int().positive(),
  quantity: z.coerce.number().int().min(0).max(1_000_000).optional(),
});

export async function action({ request, context }: Route.ActionArgs) {
  const viewer = requireCustomer(request, context);
  const parsed = actionSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: "validation.positiveInteger" }, { status: 400 });
  const { intent, skuId, quantity } = parsed.data;
  // Only rows of this customer's own cart can change: the key includes the customer.
  await setCartQuantity(
    getDatabase().db,
    viewer.customer.id,
    skuId,
    intent === "remove" ? 0 : (quantity ?? 0),
    new Date(),
  );
  return { error: null };
}

export default function Cart({ loaderData, actionData: answer }: Route.ComponentProps) {
  const actionData = useActionResult(answer);
  const { t } = useTranslation();
  const { cart } = loaderData;
  if (!cart.lines.length) {
    return (
      <div className="py-12 text-center">
        <h1 className="text-xl font-semibold">{t("shop.cart.title")}</h1>
        <p className="mt-2 text-slate-500">{t("shop.cart.empty")}</p>
        <Link to="/shop" className={buttonClass("primary", "mt-4")}>
          {t("shop.cart.browse")}
        </Link>
      </div>
    );
  }
  return (
    <>
      <h1 className="text-xl font-semibold">
        {t("shop.cart.title")}{" "}
        <span className="text-sm font-normal text-slate-500">{t("shop.cart.lines", { count: cart.lines.length })}</span>
      </h1>
      {actionData?.error ? <Notice tone="error">{t(actionData.error)}</Notice> : null}
      <ul className="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
        {cart.lines.map((line) => (
          <li key={line.skuId} className="flex gap-3 p-3" data-testid={`cart-line-${line.input.skuCode}`}>
            <ProductImage
              imageId={line.imageId}
              alt={line.sku?.productName ?? ""}
              className="size-16 shrink-0 rounded"
            />
            <div className="min-w-0 flex-1">
              <p className="font-medium">{line.sku?.productName}</p>
              <p className="text-xs text-slate-500">
                <span className="font-mono">{line.input.skuCode}</span> {line.sku?.spec}
              </p>
              <div className="mt-2 flex flex-wrap items-center gap-2">
                <Form method="post" className="flex flex-wrap items-center gap-2">
                  <input type="hidden" name="skuId" value={line.skuId} />
                  <label>
                    <span className="sr-only">{t("shop.cart.quantity")}</span>
                    <input
                      type="number"
                      name="quantity"
                      inputMode="numeric"
                      min={0}
                      defaultValue={line.input.quantity}
                      aria-invalid={line.problem ? true : undefined}
                      className={`min-h-11 w-24 rounded-md border px-2 text-base ${line.problem ? "border-red-500" : "border-slate-300"}`}
                    />
                  </label>
                  <button type="submit" name="intent" value="update" className={buttonClass("secondary")}>
                    {t("shop.cart.update")}
                  </button>
                  <button type="submit" name="intent" value="remove" className={buttonClass("ghost")}>
                    {t("shop.cart.remove")}
                  </button>
                </Form>
              </div>
              {line.problem ? (
                <p className="mt-1">
                  <ProblemText problem={line.problem} />
                </p>
              ) : null}
            </div>
            <div className="text-right">
              {line.unitPrice !== null ? (
                <>
                  <p className="text-xs text-slate-500">
                    <Money fen={line.unitPrice} /> × {line.input.quantity}
                  </p>
                  <p className="font-semibold">
                    <Money fen={line.unitPrice * line.input.quantity} />
                  </p>
                </>
              ) : null}
            </div>
          </li>
        ))}
      </ul>
      <div className="mt-4 flex flex-wrap items-center justify-end gap-4">
        <p>
          {t("shop.cart.goods")}: <Money fen={cart.goods} className="text-lg font-semibold text-brand-700" />
        </p>
        {cart.ok ? (
          <Link to="/shop/checkout" className={buttonClass("primary")}>
            {t("shop.cart.checkout")}
          </Link>
        ) : (
          <p className="text-sm text-red-600">{t("shop.cart.fixProblems")}</p>
        )}
      </div>
    </>
  );
}

export const ErrorBoundary = RouteErrorBoundary;
