import { z } from "zod";

/** The category page's forms (商品分类); each posts an `intent`. */

const id = z
  .string()
  .trim()
  .regex(/^\d{1,9}$/, "validation.invalid")
  .transform(Number);

/** "" is the top level. */
const parentId = z
  .string()
  .trim()
  .regex(/^\d{0,9}$/, "validation.invalid")
  .optional()
  .transform((v) => (v ? Number(v) : null));

const name = z.string().trim().min(1, "validation.required").max(50, "validation.tooLong");

export const createCategorySchema = z.object({ name, parentId });
export type CreateCategoryInput = z.input<typeof createCategorySchema>;
export type CreateCategoryData = z.output<typeof createCategorySchema>;

export const renameCategorySchema = z.object({ id, name });
export const moveCategorySchema = z.object({ id, parentId });
export const reorderCategorySchema = z.object({ id, direction: z.enum(["up", "down"]) });
export const deleteCategorySchema = z.object({ id });

export const CATEGORY_INTENTS = ["create", "rename", "move", "reorder", "delete"] as const;
export type CategoryIntent = (typeof CATEGORY_INTENTS)[number];

/** Category options for a parent or filter select: tree order, indented by depth, "top level" first. */
export function categoryOptions(
  categories: ReadonlyArray<{ id: number; name: string; depth: number }>,
  topLabel: string,
  exclude?: ReadonlySet<number>,
): Array<{ value: string; label: string }> {
  return [
    { value: "", label: topLabel },
    ...categories
      .filter((c) => !exclude?.has(c.id))
      .map((c) => ({ value: String(c.id), label: `${"\u3000".repeat(c.depth)}${c.name}` })),
  ];
}
