/**
 * A stored image answered to the one person allowed to see it (a payment proof, a return photo):
 * a strong ETag from its content hash and variant so the browser revalidates cheaply, `private`
 * caching so no shared proxy keeps it, and the same plain 404 whether it is missing or not theirs.
 */
export function privateImageResponse(
  request: Request,
  image: { sha256: string; contentType: string; bytes: Uint8Array } | null,
  variant: string,
): Response {
  if (!image) return imageNotFound();
  const etag = `"${image.sha256}-${variant}"`;
  const headers = new Headers({
    ETag: etag,
    "Cache-Control": "private, max-age=3600",
    "X-Content-Type-Options": "nosniff",
    "Content-Disposition": "inline",
  });
  if (request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
  headers.set("Content-Type", image.contentType);
  headers.set("Content-Length", String(image.bytes.byteLength));
  return new Response(image.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
}

export const imageNotFound = () =>
  new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
