/**
 * Tick positions for a time axis of `spanMs` milliseconds: a round step (1, 2 or 5 × 10^n ms) giving at
 * most `maxTicks` intervals, so labels read `0 ms, 20 ms, 40 ms` rather than `0, 17.3, 34.6`.
 */
export function timeTicks(spanMs: number, maxTicks: number): number[] {
  if (!(spanMs > 0) || maxTicks < 1) return [0];
  const rough = spanMs / maxTicks;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let t = 0; t <= spanMs + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Round ticks from 0 up to the first one at or above `maxValue`, so the top tick bounds every point. */
export function ticksCovering(maxValue: number, maxTicks: number): number[] {
  const ticks = timeTicks(maxValue, maxTicks);
  if (ticks.length < 2) return [0, Math.max(1, maxValue)];
  const step = ticks[1]! - ticks[0]!;
  while (ticks[ticks.length - 1]! < maxValue)
    ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}
