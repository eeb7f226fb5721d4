import { describe, expect, it } from 'vitest';
import { overRepresentedValues } from './compare-attributes.js';

const repeat = <T>(n: number, make: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => make(i));

describe('overRepresentedValues', () => {
  it('names the version all failures ran on when successes are spread over versions', () => {
    const failing = repeat(20, (i) => ({
      'service.version': '1.4.3',
      'host.name': `pod-${i % 4}`,
      'http.response.status_code': 500,
    }));
    const succeeding = repeat(40, (i) => ({
      'service.version': i % 2 ? '1.4.3' : '1.4.2',
      'host.name': `pod-${i % 4}`,
      'http.response.status_code': 200,
    }));
    expect(overRepresentedValues(failing, succeeding)).toEqual([
      { key: 'service.version', value: '1.4.3', failingShare: 1, baselineShare: 0.5 },
    ]);
  });

  it('ranks the biggest gap first and ignores per-request ids and the failure status itself', () => {
    const failing = repeat(10, (i) => ({
      'db.namespace': 'shop_replica',
      'cloud.region': i < 6 ? 'eu-west-1' : 'us-east-1',
      'app.request.id': `r${i}`,
      'error.type': 'TimeoutError',
    }));
    const succeeding = repeat(10, (i) => ({
      'db.namespace': 'shop',
      'cloud.region': i < 3 ? 'eu-west-1' : 'us-east-1',
      'app.request.id': `s${i}`,
    }));
    const result = overRepresentedValues(failing, succeeding);
    expect(result.map((r) => `${r.key}=${r.value}`)).toEqual([
      'db.namespace=shop_replica',
      'cloud.region=eu-west-1',
    ]);
  });

  it('returns nothing without failures', () => {
    expect(overRepresentedValues([], [{ a: 1 }])).toEqual([]);
  });
});
