/**
 * Reads a form post that may carry a file, refusing bodies over `limitBytes` while they stream
 * in (so an oversized upload is cut off instead of buffered), and reporting bytes received.
 */
export async function readUploadForm(
  request: Request,
  limitBytes: number,
  onBytes?: (received: number, total: number) => void,
): Promise<{ ok: true; form: FormData } | { ok: false; error: "tooLarge" | "malformed" }> {
  const declared = Number(request.headers.get("content-length") ?? Number.NaN);
  if (declared > limitBytes) return { ok: false, error: "tooLarge" };
  const contentType = request.headers.get("content-type") ?? "";
  if (!request.body) return { ok: true, form: new FormData() };
  let received = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > limitBytes) {
          controller.error(new Error("upload too large"));
          return;
        }
        onBytes?.(received, Number.isFinite(declared) ? declared : 0);
        controller.enqueue(chunk);
      },
    }),
  );
  try {
    return { ok: true, form: await new Response(counted, { headers: { "content-type": contentType } }).formData() };
  } catch {
    return { ok: false, error: received > limitBytes ? "tooLarge" : "malformed" };
  }
}
