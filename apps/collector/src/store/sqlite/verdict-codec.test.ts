import { diagnoseTrace } from '@faultline/diagnosis';
import { describe, expect, it } from 'vitest';
import { makeFailingChain, makeLog } from '../../../test/helpers/make-span.js';
import { decodeVerdict, encodeVerdict } from './verdict-codec.js';

/** A failing chain with an error log on its failing span: a verdict with evidence. */
function failingTrace() {
  const spans = makeFailingChain();
  const failing = spans.find((span) => span.status.code === 'ERROR') ?? spans.at(-1)!;
  return { spans, logs: [makeLog(failing, 'timeout exceeded when trying to connect')] };
}

describe('the stored form of a kept verdict', () => {
  it('gives back the same diagnosis, evidence included, in well under half the bytes of its JSON', () => {
    const { spans, logs } = failingTrace();
    const diagnosis = diagnoseTrace(spans, logs);
    expect(diagnosis).not.toBeNull();
    const kept = { diagnosis: diagnosis!, logCount: logs.length };
    const stored = encodeVerdict(kept);
    expect(decodeVerdict(stored)).toEqual(kept);
    expect(stored.length).toBeLessThan(JSON.stringify(kept).length / 2);
  });

  it('keeps "did not fail" in no bytes at all', () => {
    const stored = encodeVerdict({ diagnosis: null });
    expect(stored.length).toBe(0);
    expect(decodeVerdict(stored)).toEqual({ diagnosis: null });
  });

  it('still reads the JSON text that databases written before this encoding hold', () => {
    const { spans, logs } = failingTrace();
    const kept = { diagnosis: diagnoseTrace(spans, logs)!, logCount: logs.length };
    expect(decodeVerdict(JSON.stringify(kept))).toEqual(kept);
    expect(decodeVerdict('{"diagnosis":null}')).toEqual({ diagnosis: null });
  });
});
