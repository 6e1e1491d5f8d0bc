import type { StockDisplay } from "../domain/settings";
import { useTranslation } from "../i18n/use-translation";

/** Stock as the setting allows dealers to see it: a quantity, an in-stock flag, or nothing. */
export function Availability({ available, display }: { available: number; display: StockDisplay }) {
  const { t } = useTranslation();
  if (display === "hidden") return null;
  const inStock = available > 0;
  const text =
    display === "quantity"
      ? t("shop.stock.available", { count: Math.max(available, 0) })
      : inStock
        ? t("shop.stock.inStock")
        : t("shop.stock.outOfStock");
  return <span className={`text-xs ${inStock ? "text-emerald-700" : "text-slate-500"}`}>{text}</span>;
}
