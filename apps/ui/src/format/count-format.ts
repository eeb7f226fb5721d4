// Made when first used: an Intl formatter costs milliseconds to build (the compact one tens of them),
// and a trace page opened from a link may never show a count.
function once<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => {
    if (made === undefined) made = make();
    return made;
  };
}
const plainFormat = once(() => new Intl.NumberFormat('en'));
const compactFormat = once(
  () => new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 }),
);

/** A count with its noun, singular or plural: `1 call`, `1,204 calls`. */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${plainFormat().format(count)} ${count === 1 ? singular : plural}`;
}

/** A count with its noun, short where space is tight: `1,204 calls`, but `20K calls` from 10,000 on. */
export function formatShortCount(count: number, singular: string, plural = `${singular}s`): string {
  const text = count < 10_000 ? plainFormat().format(count) : compactFormat().format(count);
  return `${text} ${count === 1 ? singular : plural}`;
}

/** A share (0..1) as a whole percentage, never rounding a non-zero share down to 0 %: `<1%`. */
export function formatShare(share: number): string {
  if (share > 0 && share < 0.005) return '<1%';
  return `${Math.round(share * 100)}%`;
}
