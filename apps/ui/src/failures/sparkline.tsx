/** Failures per minute over the last hour, drawn as an inline SVG bar chart. */
export function Sparkline(props: { perMinute: { minuteUnixMs: number; count: number }[]; nowMs: number }) {
  const minutes = 60;
  const width = 120;
  const height = 28;
  const currentMinute = Math.floor(props.nowMs / 60_000) * 60_000;
  const buckets = new Array<number>(minutes).fill(0);
  for (const point of props.perMinute) {
    const age = Math.round((currentMinute - point.minuteUnixMs) / 60_000);
    if (age >= 0 && age < minutes) buckets[minutes - 1 - age]! += point.count;
  }
  const max = Math.max(1, ...buckets);
  const total = buckets.reduce((a, b) => a + b, 0);
  const barWidth = width / minutes;
  return (
    <svg
      class="sparkline"
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`${total} failures in the last hour`}
    >
      <title>{`${total} failures in the last hour (one bar per minute)`}</title>
      <line class="sparkline-base" x1={0} x2={width} y1={height - 0.5} y2={height - 0.5} />
      {buckets.map((count, i) =>
        count === 0 ? null : (
          <rect
            key={i}
            x={i * barWidth}
            width={Math.max(1, barWidth - 0.5)}
            y={height - Math.max(2, (count / max) * (height - 2))}
            height={Math.max(2, (count / max) * (height - 2))}
          />
        ),
      )}
    </svg>
  );
}
