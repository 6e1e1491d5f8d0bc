import { useTranslation } from "../i18n/use-translation";

/** A product's thumbnail or full image, with a calm placeholder when there is none. */
export function ProductImage({
  imageId,
  alt,
  variant = "thumb",
  className = "",
}: {
  imageId: number | null | undefined;
  alt: string;
  variant?: "thumb" | "full";
  className?: string;
}) {
  const { t } = useTranslation();
  if (!imageId) {
    return (
      <div className={`no-image ${className}`} role="img" aria-label={t("shop.product.noImage")}>
        {t("shop.product.noImage")}
      </div>
    );
  }
  return (
    <img
      src={`/images/${imageId}/${variant}`}
      alt={alt}
      loading="lazy"
      decoding="async"
      className={`bg-slate-100 object-cover ${className}`}
    />
  );
}
