import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import sharp from "sharp";
import { forUpdate } from "../../db/locking";
import type { DB } from "../../db/schema";
import { moveAmongSiblings } from "../domain/category-tree";
import { recordAudit } from "./audit.server";
import { assertPermission, type StaffActor } from "./staff-actor.server";

/** Product images (商品图片): PNG, JPEG or WebP up to 5 MB each, told apart by content, not name. */
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
export const THUMB_SIZE = 320;

const CONTENT_TYPES = { png: "image/png", jpeg: "image/jpeg", webp: "image/webp" } as const;
type AcceptedFormat = keyof typeof CONTENT_TYPES;
const isAccepted = (format: string | undefined): format is AcceptedFormat =>
  format !== undefined && format in CONTENT_TYPES;

// Far above any product photo, far below what would exhaust memory while decoding.
const MAX_INPUT_PIXELS = 50_000_000;

export type ImageRejection = "empty" | "too_large" | "not_an_image" | "unsupported_type";

export interface PreparedImage {
  sha256: string;
  contentType: string;
  width: number;
  height: number;
  bytes: Uint8Array;
  /** A WebP at most 320 × 320, upright. */
  thumb: Uint8Array;
}

/**
 * Checks an upload by decoding it with sharp — the file's name and the browser's claimed type
 * are ignored — and makes its thumbnail. A text file called photo.png is `not_an_image`; a GIF
 * or SVG is `unsupported_type`.
 */
export async function prepareImage(
  bytes: Uint8Array,
): Promise<{ ok: true; image: PreparedImage } | { ok: false; error: ImageRejection }> {
  if (bytes.byteLength === 0) return { ok: false, error: "empty" };
  if (bytes.byteLength > IMAGE_MAX_BYTES) return { ok: false, error: "too_large" };
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).metadata();
  } catch {
    return { ok: false, error: "not_an_image" };
  }
  if (!isAccepted(metadata.format)) return { ok: false, error: "unsupported_type" };
  let thumb: Buffer;
  try {
    // Decoding the whole image here also catches files that are cut off or damaged past the header.
    thumb = await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS, failOn: "error" })
      .rotate()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 80 })
      .toBuffer();
  } catch {
    return { ok: false, error: "not_an_image" };
  }
  const upright = metadata.autoOrient ?? { width: metadata.width, height: metadata.height };
  return {
    ok: true,
    image: {
      sha256: createHash("sha256").update(bytes).digest("hex"),
      contentType: CONTENT_TYPES[metadata.format],
      width: upright.width ?? 0,
      height: upright.height ?? 0,
      bytes,
      thumb,
    },
  };
}

export interface UploadedFile {
  name: string;
  bytes: Uint8Array;
}

export type AddImagesResult =
  | { ok: true; added: number[]; rejected: Array<{ name: string; error: ImageRejection }> }
  | { ok: false; error: "not_found" };

/** Stores an image once per content (sha256) and returns its id; the same bytes twice are one row. */
/** Stores a prepared image once by its content hash; returns its id. Call inside the caller's transaction. */
export async function storeImage(db: Kysely<DB>, image: PreparedImage, now: Date): Promise<number> {
  await db
    .insertInto("images")
    .values({
      sha256: image.sha256,
      content_type: image.contentType,
      width: image.width,
      height: image.height,
      bytes: image.bytes,
      thumb: image.thumb,
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column("sha256").doNothing())
    .execute();
  const row = await db.selectFrom("images").select("id").where("sha256", "=", image.sha256).executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Adds uploaded files to a product's images, after the ones it has. Each file is judged on its
 * own: good ones are added, bad ones come back with the reason, so one wrong file does not
 * cost the others.
 */
export async function addProductImages(
  db: Kysely<DB>,
  actor: StaffActor,
  productId: number,
  files: readonly UploadedFile[],
  now: Date,
): Promise<AddImagesResult> {
  assertPermission(actor, "product.manage");
  const rejected: Array<{ name: string; error: ImageRejection }> = [];
  const prepared: PreparedImage[] = [];
  for (const file of files) {
    const result = await prepareImage(file.bytes);
    if (result.ok) prepared.push(result.image);
    else rejected.push({ name: file.name, error: result.error });
  }
  return db.transaction().execute(async (trx): Promise<AddImagesResult> => {
    // Locking the product serialises concurrent uploads, so positions never collide.
    const product = await forUpdate(
      trx,
      trx.selectFrom("products").select("id").where("id", "=", productId),
    ).executeTakeFirst();
    if (!product) return { ok: false, error: "not_found" };
    if (!prepared.length) return { ok: true, added: [], rejected };
    const linked = await trx
      .selectFrom("product_images")
      .select(["image_id", "position"])
      .where("product_id", "=", productId)
      .execute();
    const linkedIds = new Set(linked.map((l) => l.image_id));
    let position = linked.reduce((max, l) => Math.max(max, l.position), -1) + 1;
    const added: number[] = [];
    const addedImages: Array<{ id: number; sha256: string; type: string }> = [];
    for (const image of prepared) {
      const imageId = await storeImage(trx, image, now);
      if (linkedIds.has(imageId)) continue;
      linkedIds.add(imageId);
      await trx.insertInto("product_images").values({ product_id: productId, image_id: imageId, position }).execute();
      position += 1;
      added.push(imageId);
      addedImages.push({ id: imageId, sha256: image.sha256, type: image.contentType });
    }
    if (added.length) {
      await recordAudit(
        trx,
        actor,
        {
          action: "product.images_add",
          objectType: "product",
          objectId: productId,
          after: { images: addedImages },
        },
        now,
      );
    }
    return { ok: true, added, rejected };
  });
}

async function lockedImageOrder(db: Kysely<DB>, productId: number): Promise<number[]> {
  const rows = await forUpdate(
    db,
    db
      .selectFrom("product_images")
      .select(["image_id", "position"])
      .where("product_id", "=", productId)
      .orderBy("position")
      .orderBy("image_id"),
  ).execute();
  return rows.map((r) => r.image_id);
}

async function writeImageOrder(db: Kysely<DB>, productId: number, order: readonly number[]): Promise<void> {
  for (const [position, imageId] of order.entries()) {
    await db
      .updateTable("product_images")
      .set({ position })
      .where("product_id", "=", productId)
      .where("image_id", "=", imageId)
      .execute();
  }
}

/**
 * Takes an image off a product. The stored image stays: it is addressed by its content and may
 * be shown on other products.
 */
export async function removeProductImage(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { productId: number; imageId: number },
  now: Date,
): Promise<{ ok: true } | { ok: false; error: "not_found" }> {
  assertPermission(actor, "product.manage");
  return db.transaction().execute(async (trx) => {
    const before = await lockedImageOrder(trx, input.productId);
    if (!before.includes(input.imageId)) return { ok: false as const, error: "not_found" as const };
    await trx
      .deleteFrom("product_images")
      .where("product_id", "=", input.productId)
      .where("image_id", "=", input.imageId)
      .execute();
    const after = before.filter((id) => id !== input.imageId);
    await writeImageOrder(trx, input.productId, after);
    await recordAudit(
      trx,
      actor,
      {
        action: "product.images_remove",
        objectType: "product",
        objectId: input.productId,
        before: { imageIds: before },
        after: { imageIds: after },
      },
      now,
    );
    return { ok: true as const };
  });
}

/** Moves an image one place earlier or later; the first image is the product's main picture. */
export async function moveProductImage(
  db: Kysely<DB>,
  actor: StaffActor,
  input: { productId: number; imageId: number; direction: "up" | "down" },
  now: Date,
): Promise<{ ok: true } | { ok: false; error: "not_found" }> {
  assertPermission(actor, "product.manage");
  return db.transaction().execute(async (trx) => {
    const before = await lockedImageOrder(trx, input.productId);
    if (!before.includes(input.imageId)) return { ok: false as const, error: "not_found" as const };
    const after = moveAmongSiblings(before, input.imageId, input.direction);
    if (after.every((id, i) => id === before[i])) return { ok: true as const };
    await writeImageOrder(trx, input.productId, after);
    await recordAudit(
      trx,
      actor,
      {
        action: "product.images_reorder",
        objectType: "product",
        objectId: input.productId,
        before: { imageIds: before },
        after: { imageIds: after },
      },
      now,
    );
    return { ok: true as const };
  });
}

export type ImageVariant = "full" | "thumb";

/**
 * What the image route needs to answer a conditional request without reading the bytes.
 * Only images shown on a product are served here; anything else is "unknown".
 */
export async function findServableImage(
  db: Kysely<DB>,
  imageId: number,
): Promise<{ sha256: string; contentType: string } | null> {
  const row = await db
    .selectFrom("images as i")
    .select(["i.sha256", "i.content_type"])
    .where("i.id", "=", imageId)
    .where((eb) =>
      eb.exists(eb.selectFrom("product_images as pi").select("pi.image_id").whereRef("pi.image_id", "=", "i.id")),
    )
    .executeTakeFirst();
  return row ? { sha256: row.sha256, contentType: row.content_type } : null;
}

export async function readImageBytes(db: Kysely<DB>, imageId: number, variant: ImageVariant): Promise<Uint8Array> {
  const row =
    variant === "thumb"
      ? await db.selectFrom("images").select("thumb as data").where("id", "=", imageId).executeTakeFirstOrThrow()
      : await db.selectFrom("images").select("bytes as data").where("id", "=", imageId).executeTakeFirstOrThrow();
  return row.data;
}
