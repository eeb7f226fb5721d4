/**
 * Decides when a failure group's rate "jumped": the last minute holds at least `minimum` failures and
 * at least `factor` times the average minute of the `baselineMinutes` before it. A group alerts at most
 * once per `cooldownMs`. Pure bookkeeping over arrival times, kept per group in memory.
 *
 *   baseline (10 min, avg 1/min)          last minute
 *   |.1..1...1..1.1...1..1..1...1..1...| |11111111111| <- 11 >= max(10, 3 × 1): jump
 */
export class RateJumpDetector {
  private readonly arrivals = new Map<string, number[]>();
  private readonly lastAlertMs = new Map<string, number>();

  constructor(
    private readonly options = { minimum: 10, factor: 3, baselineMinutes: 10, cooldownMs: 10 * 60_000 },
  ) {}

  /** Records one failure of `group` at `nowMs`; true when this one makes the rate jump. */
  observe(group: string, nowMs: number): boolean {
    const windowMs = (this.options.baselineMinutes + 1) * 60_000;
    const times = (this.arrivals.get(group) ?? []).filter((t) => t > nowMs - windowMs);
    times.push(nowMs);
    this.arrivals.set(group, times);
    const lastMinute = times.filter((t) => t > nowMs - 60_000).length;
    const baselineAverage = (times.length - lastMinute) / this.options.baselineMinutes;
    const jumped = lastMinute >= Math.max(this.options.minimum, this.options.factor * baselineAverage);
    if (
      !jumped ||
      nowMs - (this.lastAlertMs.get(group) ?? Number.NEGATIVE_INFINITY) < this.options.cooldownMs
    ) {
      return false;
    }
    this.lastAlertMs.set(group, nowMs);
    return true;
  }
}
