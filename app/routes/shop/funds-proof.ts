import { requireCustomer } from "../../auth/guards.server";
import { getDatabase } from "../../db.server";
import { proofResponse } from "../../services/funds-export.server";
import type { Route } from "./+types/funds-proof";

/** The proof image of one of the dealer's own payment reports; 404 for anyone else's. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  return proofResponse(
    getDatabase().db,
    { kind: "customer", customerId: viewer.customer.id },
    request,
    params.reportId,
  );
}
