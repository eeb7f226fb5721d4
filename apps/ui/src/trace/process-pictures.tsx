import { heapShareOfLimit, type ProcessPicture, type SaturationKind } from '@faultline/diagnosis';
import { serviceStyle } from '../format/service-colour.js';

/** One figure of a process row: what it shows and which saturation lights it up. */
interface Cell {
  testId: string;
  label: string;
  value: string;
  kind: SaturationKind;
}

const MIB = 1024 * 1024;

/**
 * Each service on the failing path as its process was when it failed (issue 24): one compact row of
 * loop delay, heap and CPU (GC and start lag when they matter), the saturated figures highlighted.
 * Figures come from span attributes and are drawn as text only.
 */
export function ProcessPictures(props: { processes: readonly ProcessPicture[] }) {
  if (props.processes.length === 0) return null;
  return (
    <section class="process-pictures" data-testid="process-pictures" aria-label="Processes when it failed">
      <h2>Processes when it failed</h2>
      <ul>
        {props.processes.map((p) => (
          <ProcessRow key={p.spanId} picture={p} />
        ))}
      </ul>
    </section>
  );
}

function ProcessRow(props: { picture: ProcessPicture }) {
  const p = props.picture;
  const saturated = new Set(p.saturated);
  return (
    <li
      class={saturated.size > 0 ? 'process-row saturated' : 'process-row'}
      data-testid="process-row"
      data-service={p.service}
      data-saturated={saturated.size > 0 ? 'true' : 'false'}
    >
      <span class="service-chip" style={serviceStyle(p.service)}>
        {p.service}
      </span>
      {cellsOf(p).map((cell) => (
        <span
          key={cell.testId}
          class={saturated.has(cell.kind) ? 'process-cell saturated' : 'process-cell'}
          data-testid={cell.testId}
          data-saturated={saturated.has(cell.kind) ? 'true' : 'false'}
        >
          <span class="process-label">{cell.label}</span> {cell.value}
        </span>
      ))}
    </li>
  );
}

function cellsOf(p: ProcessPicture): Cell[] {
  const cells: Cell[] = [];
  if (p.eventLoopDelayMaxMs !== undefined || p.eventLoopUtilization !== undefined) {
    const parts = [
      p.eventLoopDelayMaxMs !== undefined ? `max ${ms(p.eventLoopDelayMaxMs)}` : undefined,
      p.eventLoopDelayP99Ms !== undefined ? `p99 ${ms(p.eventLoopDelayP99Ms)}` : undefined,
      p.eventLoopUtilization !== undefined ? `${pct(p.eventLoopUtilization)} busy` : undefined,
    ];
    cells.push({ testId: 'process-loop', label: 'loop', value: join(parts), kind: 'event_loop_blocked' });
  }
  if (p.heapUsedBytes !== undefined) {
    // Against the limit old objects can fill, as the verdict judges it (V8's own limit adds the young generation).
    const share = heapShareOfLimit(p);
    const limit = share !== undefined ? ` of ${mib(p.heapLimitBytes!)} (${pct(share)})` : '';
    cells.push({
      testId: 'process-heap',
      label: 'heap',
      value: `${mib(p.heapUsedBytes)}${limit}`,
      kind: 'heap_near_limit',
    });
  }
  if (p.cpuUtilization !== undefined) {
    const cores = p.cpuCount ? ` (${p.cpuCount} cores)` : '';
    cells.push({
      testId: 'process-cpu',
      label: 'CPU',
      value: `${pct(p.cpuUtilization)} of a core${cores}`,
      kind: 'cpu_pegged',
    });
  }
  if (p.gcPauseMs !== undefined && p.windowMs) {
    cells.push({
      testId: 'process-gc',
      label: 'GC',
      value: `${pct(p.gcPauseMs / p.windowMs)} of ${ms(p.windowMs)}`,
      kind: 'gc_pressure',
    });
  }
  if (p.saturated.includes('late_start') && p.startLagMs !== undefined) {
    cells.push({
      testId: 'process-start-lag',
      label: 'started',
      value: `${ms(p.startLagMs)} late`,
      kind: 'late_start',
    });
  }
  return cells;
}

const join = (parts: (string | undefined)[]): string => parts.filter((x) => x !== undefined).join(', ');
const pct = (share: number): string => `${Math.round(share * 100)}%`;
const mib = (bytes: number): string => `${Math.round(bytes / MIB)} MiB`;
const ms = (value: number): string =>
  value >= 1000 ? `${(value / 1000).toFixed(1).replace(/\.0$/, '')} s` : `${Math.round(value)} ms`;
