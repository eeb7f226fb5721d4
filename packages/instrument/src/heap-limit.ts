import v8 from 'node:v8';

const MIB = 1024 * 1024;

/** V8's semi-space size on 64-bit builds when nothing sets it; the young generation reserves three. */
const DEFAULT_SEMI_SPACE_MIB = 16;

/**
 * The heap long-lived objects can fill: what `faultline.process.heap.limit_bytes` reports. V8's
 * `heap_size_limit` also counts the young generation's reserve (three semi-spaces), whose size differs
 * between Node versions: with `--max-old-space-size=48`, Node 20 and 22 report 96 MiB, Node 24 240 MiB
 * and Node 26 144 MiB, and each dies of "heap out of memory" near 48 MiB used. So an explicit
 * `--max-old-space-size` (command line or NODE_OPTIONS) is the limit; without one, the reported limit
 * less three default semi-spaces (`--max-semi-space-size` when given), which with V8's default
 * multi-GiB heaps is within a few percent whatever the version.
 */
export function oldGenerationLimitBytes(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env['NODE_OPTIONS'] ?? '',
  reportedBytes: number = v8.getHeapStatistics().heap_size_limit,
): number {
  const flags = [...execArgv, ...nodeOptions.split(/\s+/).filter(Boolean)];
  const oldSpaceMib = lastFlagValue(flags, 'max-old-space-size');
  if (oldSpaceMib !== undefined) return Math.min(oldSpaceMib * MIB, reportedBytes);
  const semiSpaceMib = lastFlagValue(flags, 'max-semi-space-size') ?? DEFAULT_SEMI_SPACE_MIB;
  const rest = reportedBytes - 3 * semiSpaceMib * MIB;
  // A limit that leaves less than 16 MiB after the reserve is not a 64-bit heap as V8 sizes it.
  return rest >= 16 * MIB ? rest : reportedBytes;
}

/** The number a V8 size flag was last given (`--name=N`, `--name N`, `_` for `-` too), in MiB. */
function lastFlagValue(flags: readonly string[], name: string): number | undefined {
  const pattern = new RegExp(`^--${name.replaceAll('-', '[-_]')}(?:=(\\d+(?:\\.\\d+)?))?$`);
  let value: number | undefined;
  for (let i = 0; i < flags.length; i++) {
    const match = pattern.exec(flags[i]!);
    if (!match) continue;
    const text = match[1] ?? flags[i + 1];
    const mib = text !== undefined && /^\d+(?:\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
    if (Number.isFinite(mib) && mib > 0) value = mib;
  }
  return value;
}
