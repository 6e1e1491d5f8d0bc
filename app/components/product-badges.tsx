import type { ProductTag } from "../domain/product-tags";
import { useTranslation } from "../i18n/use-translation";

const TAG_COLORS: Record<ProductTag, string> = {
  new: "bg-sky-50 text-sky-800 ring-sky-600/20",
  hot: "bg-rose-50 text-rose-800 ring-rose-600/20",
  clearance: "bg-amber-50 text-amber-900 ring-amber-600/20",
};

const pill = "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset";

/** 新品 / 热卖 / 清仓 as small coloured pills. */
export function TagBadges({ tags }: { tags: readonly ProductTag[] }) {
  const { t } = useTranslation();
  if (!tags.length) return <span className="text-slate-400">—</span>;
  return (
    <span className="flex flex-wrap gap-1">
      {tags.map((tag) => (
        <span key={tag} className={`${pill} ${TAG_COLORS[tag]}`}>
          {t(`products.tags.${tag}`)}
        </span>
      ))}
    </span>
  );
}

/** 上架 (listed, green) or 下架 (unlisted, grey). */
export function ListedBadge({ listed }: { listed: boolean }) {
  const { t } = useTranslation();
  return listed ? (
    <span className={`${pill} bg-emerald-50 text-emerald-800 ring-emerald-600/20`}>{t("products.listed")}</span>
  ) : (
    <span className={`${pill} bg-slate-100 text-slate-600 ring-slate-500/20`}>{t("products.unlisted")}</span>
  );
}
