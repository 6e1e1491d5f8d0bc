/** A unique constraint refused the write — worded differently by each engine. */
export const isUniqueViolation = (error: unknown): boolean =>
  /UNIQUE constraint failed|duplicate key value violates unique constraint/.test(String((error as Error)?.message));
