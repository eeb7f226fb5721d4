/** An EventEmitter's `emit`, as a prototype holds it. */
export type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Replaces `target.emit` (a prototype's, usually inherited) with `wrap(original)`. Returns a function
 * that puts the original back, unless someone patched over this patch since (their patch then stays).
 */
export function patchEmit(target: object, wrap: (original: Emit) => Emit): () => void {
  const holder = target as { emit: Emit };
  const hadOwn = Object.hasOwn(target, 'emit');
  const original = holder.emit;
  const patched = wrap(original);
  holder.emit = patched;
  return () => {
    if (holder.emit !== patched) return;
    if (hadOwn) holder.emit = original;
    else delete (target as { emit?: Emit }).emit;
  };
}
