import { formatMoney } from "../i18n/format";
import { useTranslation } from "../i18n/use-translation";

/** Integer fen shown as ¥ in the reader's locale. */
export function Money({ fen, className = "" }: { fen: number; className?: string }) {
  const { i18n } = useTranslation();
  return (
    <span className={className ? `tabular-nums ${className}` : "tabular-nums"}>{formatMoney(fen, i18n.language)}</span>
  );
}
