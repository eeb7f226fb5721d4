/*
 * Services keep one colour everywhere (chips, bars, legend) so a reader learns "orders is teal" once.
 * The colour comes from a hash of the name, not from the order services appear in, so it is the same
 * on every page and every trace.
 */

/** Hues chosen to stay apart from each other and from the error red; lightness is set in CSS. */
const PALETTE_HUES = [210, 160, 35, 270, 190, 95, 320, 50, 240, 130, 290, 15] as const;

/** FNV-1a, 32 bit: small, fast, and spreads short similar names (svc-a, svc-b) well. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The palette hue (degrees) a service is drawn in. */
export function serviceHue(service: string): number {
  return PALETTE_HUES[fnv1a(service) % PALETTE_HUES.length]!;
}

/** Inline style setting `--svc-hue`, which styles.css turns into light/dark colours. */
export function serviceStyle(service: string): Record<string, string> {
  return { '--svc-hue': String(serviceHue(service)) };
}
