/** Splits values for `where … in (…)` lists that stay well inside both engines' parameter limits. */
export function inBatches<T>(values: readonly T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}
