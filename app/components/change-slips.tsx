import { useTranslation } from "../i18n/use-translation";
import { DateTime } from "./date-time";
import { Money } from "./money";

export interface ChangeSlip {
  at: string;
  actorName: string;
  reason: string;
  changes: Array<{ field: string; sku?: string; before: number; after: number }>;
}

/** 异动记录: each amendment with who, when, why and before → after; the same on both sides. */
export function ChangeSlips({ slips }: { slips: ChangeSlip[] }) {
  const { t } = useTranslation();
  if (!slips.length) return <p className="text-sm text-slate-500">{t("orders.console.detail.noChangeSlips")}</p>;
  return (
    <ul className="space-y-2" data-testid="change-slips">
      {slips.map((slip) => (
        <li key={slip.at} className="rounded-lg border border-amber-200 bg-amber-50 p-3 text-sm">
          <p className="text-xs text-slate-600">
            <DateTime iso={slip.at} /> · {slip.actorName} · {slip.reason}
          </p>
          <ul className="mt-1">
            {slip.changes.map((c) => (
              <li key={`${c.field}-${c.sku ?? ""}`}>
                {c.sku ? <span className="font-mono">{c.sku} </span> : null}
                {t(`orders.console.changeFields.${c.field}`)}:{" "}
                {c.field === "quantity" ? c.before : <Money fen={c.before} />} →{" "}
                {c.field === "quantity" ? c.after : <Money fen={c.after} />}
              </li>
            ))}
          </ul>
        </li>
      ))}
    </ul>
  );
}
