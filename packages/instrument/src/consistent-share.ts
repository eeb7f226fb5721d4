/*
 * Which successful traces a share of 1/2^level keeps, chosen by the trace id's random bits (its last
 * 56, as in OpenTelemetry's consistent probability sampling), so every service sampling at the same
 * or a higher level keeps the same traces.
 */

/** The finest share kept: 1 in 2^32. */
export const MAX_LEVEL = 32;

/**
 * True when a successful trace is kept at `level`: the top `level` bits of the trace id's random part
 * (its last 56 bits) are all ones, a probability of 2^-level. Nested: what level k keeps, every level
 * below k keeps too, so services sampling at different levels still agree on the traces they share.
 */
export function keepsSuccess(traceId: string, level: number): boolean {
  if (level === 0) return true;
  const top32 = hexValue(traceId, 18, 26);
  if (top32 < 0) return true;
  return top32 >= (KEEP_THRESHOLDS[level] ?? 2 ** 32 - 2 ** (32 - level));
}

/**
 * The number the hex digits `text[start..end)` spell (at most 13 digits), or -1 if one is not a hex
 * digit; without the slice and runtime call of `Number.parseInt`, as it runs twice per request.
 */
function hexValue(text: string, start: number, end: number): number {
  if (text.length < end) return -1;
  let value = 0;
  for (let i = start; i < end; i += 1) {
    const code = text.charCodeAt(i);
    const digit =
      code >= 48 && code <= 57
        ? code - 48
        : code >= 97 && code <= 102
          ? code - 87
          : code >= 65 && code <= 70
            ? code - 55
            : -1;
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** `2^32 - 2^(32 - level)` for each level a sampler can reach: the smallest top-32-bit value kept. */
const KEEP_THRESHOLDS = Array.from({ length: MAX_LEVEL + 1 }, (_, level) => 2 ** 32 - 2 ** (32 - level));
