import { getViewer } from "../auth/guards.server";
import { getDatabase } from "../db.server";
import { findServableImage, type ImageVariant, readImageBytes } from "../services/images.server";
import type { Route } from "./+types/images";

const VARIANTS: Record<string, ImageVariant> = { thumb: "thumb", full: "full" };

// The same answer for "signed out", "no such image" and "bad address": nothing to learn from it.
const notFound = () => new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });

/** Does an If-None-Match header name this ETag (or `*`)? Weak and strong forms compare alike. */
function matches(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === etag);
}

/**
 * Product images for any signed-in account, staff or customer. The bytes under one address
 * never change (an image is its content), so browsers may keep them for a year.
 */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  if (!getViewer(context)) return notFound();
  const variant = VARIANTS[params.variant];
  if (!variant || !/^\d{1,9}$/.test(params.imageId)) return notFound();
  const imageId = Number(params.imageId);
  const { db } = getDatabase();
  const image = await findServableImage(db, imageId);
  if (!image) return notFound();
  const etag = `"${image.sha256}"`;
  const headers = new Headers({
    ETag: etag,
    "Cache-Control": "public, max-age=31536000, immutable",
    "X-Content-Type-Options": "nosniff",
  });
  if (matches(request.headers.get("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  const bytes = await readImageBytes(db, imageId, variant);
  headers.set("Content-Type", variant === "thumb" ? "image/webp" : image.contentType);
  headers.set("Content-Length", String(bytes.byteLength));
  return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
}
