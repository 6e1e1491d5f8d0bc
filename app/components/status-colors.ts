/**
 * One colour per pipeline status, the same in the console and the storefront, so a dealer and
 * a clerk recognise a state at a glance.
 */
export const STATUS_COLORS: Record<string, { dot: string; badge: string }> = {
  pending_order_review: { dot: "bg-amber-500", badge: "bg-amber-50 text-amber-800 ring-amber-600/20" },
  pending_finance_review: { dot: "bg-violet-500", badge: "bg-violet-50 text-violet-800 ring-violet-600/20" },
  pending_outbound_review: { dot: "bg-sky-500", badge: "bg-sky-50 text-sky-800 ring-sky-600/20" },
  pending_shipment: { dot: "bg-indigo-500", badge: "bg-indigo-50 text-indigo-800 ring-indigo-600/20" },
  pending_receipt: { dot: "bg-teal-500", badge: "bg-teal-50 text-teal-800 ring-teal-600/20" },
  completed: { dot: "bg-emerald-500", badge: "bg-emerald-50 text-emerald-800 ring-emerald-600/20" },
  sent_back: { dot: "bg-orange-500", badge: "bg-orange-50 text-orange-800 ring-orange-600/20" },
  cancelled: { dot: "bg-slate-400", badge: "bg-slate-100 text-slate-700 ring-slate-500/20" },
  pending_return_review: { dot: "bg-amber-500", badge: "bg-amber-50 text-amber-800 ring-amber-600/20" },
  pending_return_shipment: { dot: "bg-rose-500", badge: "bg-rose-50 text-rose-800 ring-rose-600/20" },
  pending_inbound_review: { dot: "bg-sky-500", badge: "bg-sky-50 text-sky-800 ring-sky-600/20" },
  pending_refund_review: { dot: "bg-violet-500", badge: "bg-violet-50 text-violet-800 ring-violet-600/20" },
  rejected: { dot: "bg-red-500", badge: "bg-red-50 text-red-800 ring-red-600/20" },
};

const FALLBACK = { dot: "bg-slate-400", badge: "bg-slate-100 text-slate-700 ring-slate-500/20" };

export const statusColor = (status: string) => STATUS_COLORS[status] ?? FALLBACK;
