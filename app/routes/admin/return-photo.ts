import { requirePermission } from "../../auth/guards.server";
import { getDatabase } from "../../db.server";
import { imageNotFound, privateImageResponse } from "../../http/private-image.server";
import { getReturnPhoto } from "../../services/returns.server";
import type { Route } from "./+types/return-photo";

/** A photo of a return (full or thumbnail) for staff with return.view within their regions; 404 otherwise. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = requirePermission(request, context, "return.view");
  const { variant } = params;
  if ((variant !== "full" && variant !== "thumb") || !/^\d{1,4}$/.test(params.position)) return imageNotFound();
  const photo = await getReturnPhoto(
    getDatabase().db,
    { kind: "staff", grant: viewer.grant },
    params.number,
    Number(params.position),
    variant,
  );
  return privateImageResponse(request, photo, variant);
}
