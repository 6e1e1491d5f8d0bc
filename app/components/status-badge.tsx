import { statusColor } from "./status-colors";

/** A document status in its pipeline colour; `label` is already translated. The dot is the badge's `::before` (app.css). */
export function StatusBadge({ status, label }: { status: string; label: string }) {
  return <span className={`badge ${statusColor(status).tone}`}>{label}</span>;
}
