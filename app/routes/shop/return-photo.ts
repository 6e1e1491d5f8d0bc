import { requireCustomer } from "../../auth/guards.server";
import { getDatabase } from "../../db.server";
import { imageNotFound, privateImageResponse } from "../../http/private-image.server";
import { getReturnPhoto } from "../../services/returns.server";
import type { Route } from "./+types/return-photo";

/** A photo of one of the dealer's own returns (full or thumbnail); 404 for anyone else's. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = requireCustomer(request, context);
  const { variant } = params;
  if ((variant !== "full" && variant !== "thumb") || !/^\d{1,4}$/.test(params.position)) return imageNotFound();
  const photo = await getReturnPhoto(
    getDatabase().db,
    { kind: "customer", customerId: viewer.customer.id },
    params.number,
    Number(params.position),
    variant,
  );
  return privateImageResponse(request, photo, variant);
}
