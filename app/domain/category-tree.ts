/**
 * Rules of the category tree (商品分类) that do not need a database: where a category may move,
 * and how siblings are reordered.
 */

/** True when `candidate` is `ancestor` itself or sits anywhere below it. */
export function isSelfOrDescendant(
  parentOf: ReadonlyMap<number, number | null>,
  candidate: number,
  ancestor: number,
): boolean {
  const seen = new Set<number>();
  let current: number | null | undefined = candidate;
  while (current != null && !seen.has(current)) {
    if (current === ancestor) return true;
    seen.add(current);
    current = parentOf.get(current);
  }
  return false;
}

/**
 * Moving a category under `newParentId` (null: the top level) is allowed unless the new parent
 * is the category itself or one of its descendants, which would cut the branch off the tree.
 */
export function canMoveCategory(
  parentOf: ReadonlyMap<number, number | null>,
  categoryId: number,
  newParentId: number | null,
): boolean {
  if (newParentId === null) return true;
  return !isSelfOrDescendant(parentOf, newParentId, categoryId);
}

/**
 * Siblings in display order after moving `id` one place up or down; the same order when it is
 * already first (up) or last (down), or not among them.
 */
export function moveAmongSiblings(orderedIds: readonly number[], id: number, direction: "up" | "down"): number[] {
  const ids = [...orderedIds];
  const at = ids.indexOf(id);
  const to = direction === "up" ? at - 1 : at + 1;
  if (at < 0 || to < 0 || to >= ids.length) return ids;
  [ids[at], ids[to]] = [ids[to]!, ids[at]!];
  return ids;
}
