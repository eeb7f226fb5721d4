/** One step of a span's place in its trace: a service and a span name. */
export interface SignatureStep {
  service: string;
  name: string;
}

/**
 * Splits a comparison signature (`gateway:GET /api/orders/:id › orders:pg-pool.connect`, service and
 * span names from the entry down, as the collector builds them) into its steps. A service name holds
 * no colon in practice, so the first colon of a step ends it.
 */
export function parseSignature(signature: string): SignatureStep[] {
  return signature.split(' › ').map((step) => {
    const colon = step.indexOf(':');
    return colon < 0
      ? { service: '', name: step }
      : { service: step.slice(0, colon), name: step.slice(colon + 1) };
  });
}
