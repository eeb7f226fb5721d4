import { describe, expect, it } from 'vitest';
import { DEFAULT_FAULT_MIX, FAULT_NAMES, FaultSwitches, parseFaultSetting } from './faults.js';

describe('parseFaultSetting', () => {
  it('accepts a known fault with a rate from 0 to 1, also as the string the command line sends', () => {
    expect(parseFaultSetting({ name: 'exception', rate: 1 })).toEqual({ name: 'exception', rate: 1 });
    expect(parseFaultSetting({ name: 'db-pool', rate: '0.25' })).toEqual({ name: 'db-pool', rate: 0.25 });
    expect(parseFaultSetting({ name: 'legacy-500', rate: 0 })).toEqual({ name: 'legacy-500', rate: 0 });
  });

  it('names the known faults when the name is unknown', () => {
    const problem = parseFaultSetting({ name: 'exceptoin', rate: 1 });
    expect(problem).toContain('unknown fault "exceptoin"');
    expect(problem).toContain(FAULT_NAMES.join(', '));
  });

  it('refuses rates outside 0..1 and values that are not numbers', () => {
    for (const rate of [1.5, -0.1, 'lots', '', null, undefined, Number.NaN]) {
      expect(parseFaultSetting({ name: 'exception', rate })).toMatch(/^rate must be a number from 0 to 1/);
    }
    expect(parseFaultSetting('exception')).toMatch(/^expected a JSON object/);
  });

  it('does not mistake inherited object keys for fault names', () => {
    expect(parseFaultSetting({ name: 'toString', rate: 1 })).toContain('unknown fault');
  });
});

describe('FaultSwitches', () => {
  it('starts with every fault off, so a service hits nothing until told to', () => {
    const switches = new FaultSwitches('orders', () => 0);
    expect(switches.hits('exception')).toBe(false);
    expect(switches.snapshot().every((setting) => setting.rate === 0)).toBe(true);
  });

  it('hits a request when the draw falls under the rate', () => {
    let draw = 0.1;
    const switches = new FaultSwitches('orders', () => draw);
    switches.set('exception', 0.15);
    expect(switches.hits('exception')).toBe(true);
    draw = 0.2;
    expect(switches.hits('exception')).toBe(false);
    switches.set('exception', 1);
    draw = 0.999;
    expect(switches.hits('exception')).toBe(true);
    switches.set('exception', 0);
    draw = 0;
    expect(switches.hits('exception')).toBe(false);
  });

  it('lists only the faults the service owns', () => {
    expect(new FaultSwitches('gateway').snapshot()).toEqual([{ name: 'wrong-upstream', rate: 0 }]);
    expect(new FaultSwitches('legacy').snapshot()).toEqual([{ name: 'legacy-500', rate: 0 }]);
    expect(new FaultSwitches('orders').snapshot().map((setting) => setting.name)).toEqual([
      'exception',
      'db-pool',
      'slow-query',
      'upstream-timeout',
      'explicit-500',
    ]);
  });
});

describe('DEFAULT_FAULT_MIX', () => {
  it('switches every fault on at a rate low enough that most requests still succeed', () => {
    expect(DEFAULT_FAULT_MIX.map((setting) => setting.name).sort()).toEqual([...FAULT_NAMES].sort());
    for (const setting of DEFAULT_FAULT_MIX) expect(setting.rate).toBeGreaterThan(0);
    for (const setting of DEFAULT_FAULT_MIX) expect(setting.rate).toBeLessThanOrEqual(0.15);
  });
});
