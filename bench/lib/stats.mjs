/** The value at quantile q (0..1) of an unsorted array of numbers. */
export function quantile(values, q) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** The median of a few runs' figures. */
export const median = (values) => quantile(values, 0.5);

/** A number with thousands separators and no decimals. */
export const fmt = (n) => Math.round(n).toLocaleString('en-US');
