// Made when first used: an Intl formatter costs milliseconds to build (the compact one tens of them),
// and a trace page opened from a link may never show a count.
let count: Intl.NumberFormat | undefined;
let compact: Intl.NumberFormat | undefined;
const COUNT = { format: (n: number) => (count ??= new Intl.NumberFormat('en')).format(n) };
const COMPACT = {
  format: (n: number) =>
    (compact ??= new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })).format(n),
};

/** A count with its noun, singular or plural: `1 call`, `1,204 calls`. */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${COUNT.format(count)} ${count === 1 ? singular : plural}`;
}

/** A count with its noun, short where space is tight: `1,204 calls`, but `20K calls` from 10,000 on. */
export function formatShortCount(count: number, singular: string, plural = `${singular}s`): string {
  const text = count < 10_000 ? COUNT.format(count) : COMPACT.format(count);
  return `${text} ${count === 1 ? singular : plural}`;
}

/** A share (0..1) as a whole percentage, never rounding a non-zero share down to 0 %: `<1%`. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.005) return '<1%';
  return `${Math.round(share * 100)}%`;
}
