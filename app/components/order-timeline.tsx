import { useTranslation } from "../i18n/use-translation";
import { DateTime } from "./date-time";
import { statusColor } from "./status-colors";

export interface TimelineEntry {
  at: string;
  actorName: string;
  actorKind: string;
  action: string;
  toStatus: string;
  note: string;
}

/** Every step of an order (or a return, `ns="returns"`) with who did it and when; the same on both sides. */
export function OrderTimeline({ entries, ns = "orders" }: { entries: TimelineEntry[]; ns?: "orders" | "returns" }) {
  const { t } = useTranslation();
  return (
    <ol className="relative space-y-4 border-l border-slate-200 pl-5">
      {entries.map((e) => (
        <li key={`${e.at}-${e.action}-${e.toStatus}`} className="relative">
          <span
            aria-hidden
            className={`absolute -left-[26px] top-1 size-3 rounded-full ring-4 ring-white ${statusColor(e.toStatus).dot}`}
          />
          <p className="text-sm font-medium">
            {t(`${ns}.action.${e.action}`, { defaultValue: e.action })} →{" "}
            {t(`${ns}.status.${e.toStatus}`, { defaultValue: e.toStatus })}
          </p>
          <p className="text-xs text-slate-500">
            <DateTime iso={e.at} /> · {t(`orders.actorKind.${e.actorKind}`)}
            {e.actorKind === "system" ? null : ` ${e.actorName}`}
          </p>
          {e.note ? <p className="mt-1 text-sm text-slate-700">{e.note}</p> : null}
        </li>
      ))}
    </ol>
  );
}
