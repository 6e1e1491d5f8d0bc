import { statusColor } from "./status-colors";

/** A document status in its pipeline colour; `label` is already translated. */
export function StatusBadge({ status, label }: { status: string; label: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${statusColor(status).badge}`}
    >
      <span aria-hidden className={`size-1.5 rounded-full ${statusColor(status).dot}`} />
      {label}
    </span>
  );
}
