/** The shape of a translation tree: same keys, any strings. English must match Chinese exactly. */
export type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };
