import { requirePermission } from "../../auth/guards.server";
import { getDatabase } from "../../db.server";
import { proofResponse } from "../../services/funds-export.server";
import type { Route } from "./+types/funds-proof";

/** A payment report's proof image, for staff with funds.view within their regions; 404 otherwise. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "funds.view");
  return proofResponse(getDatabase().db, { kind: "staff", grant: viewer.grant }, request, params.reportId);
}
