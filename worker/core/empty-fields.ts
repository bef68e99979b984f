/**
 * Drops fields that are `undefined` or `""`. Both answers that use it leave a field out rather than
 * send it empty: Google's Fact Check Tools shape omits unknown fields, and JSON-LD has no "unknown"
 * value (absence says it).
 */
export function withoutEmptyFields<T>(o: T): T {
  // `T`, not `T extends object`: schema-dts types are unions with `string` (an id reference).
  return Object.fromEntries(Object.entries(o as object).filter(([, v]) => v !== undefined && v !== '')) as T;
}
