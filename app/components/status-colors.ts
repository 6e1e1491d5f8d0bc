/**
 * One colour per pipeline status, the same in the console and the storefront, so a dealer and
 * a clerk recognise a state at a glance. `tone` is one of app.css's `.tone-*` classes (background,
 * text, ring and the badge's dot); `dot` colours a dot drawn on its own.
 */
export const STATUS_COLORS: Record<string, { dot: string; tone: string }> = {
  pending_order_review: { dot: "bg-amber-500", tone: "tone-amber" },
  pending_finance_review: { dot: "bg-violet-500", tone: "tone-violet" },
  pending_outbound_review: { dot: "bg-sky-500", tone: "tone-sky" },
  pending_shipment: { dot: "bg-indigo-500", tone: "tone-indigo" },
  pending_receipt: { dot: "bg-teal-500", tone: "tone-teal" },
  completed: { dot: "bg-emerald-500", tone: "tone-emerald" },
  sent_back: { dot: "bg-orange-500", tone: "tone-orange" },
  cancelled: { dot: "bg-slate-400", tone: "tone-slate" },
  pending_return_review: { dot: "bg-amber-500", tone: "tone-amber" },
  pending_return_shipment: { dot: "bg-rose-500", tone: "tone-rose" },
  pending_inbound_review: { dot: "bg-sky-500", tone: "tone-sky" },
  pending_refund_review: { dot: "bg-violet-500", tone: "tone-violet" },
  rejected: { dot: "bg-red-500", tone: "tone-red" },
};

const FALLBACK = { dot: "bg-slate-400", tone: "tone-slate" };

export const statusColor = (status: string) => STATUS_COLORS[status] ?? FALLBACK;
