import type { ShownStock } from "../domain/settings";
import { useTranslation } from "../i18n/use-translation";

/** Stock as the setting allows dealers to see it (`shownStock`): a quantity, an in-stock flag, or nothing. */
export function Availability({ stock }: { stock: ShownStock }) {
  const { t } = useTranslation();
  if (!stock) return null;
  const text =
    stock.available !== null
      ? t("shop.stock.available", { count: stock.available })
      : stock.inStock
        ? t("shop.stock.inStock")
        : t("shop.stock.outOfStock");
  return <span className={`text-xs ${stock.inStock ? "text-emerald-700" : "text-slate-500"}`}>{text}</span>;
}
