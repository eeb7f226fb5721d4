import { describe, expect, it } from 'vitest';
import { answerFaultControl } from './fault-control.js';
import { FaultSwitches } from './faults.js';

describe('answerFaultControl', () => {
  it('lists the service and its faults on GET', () => {
    const switches = new FaultSwitches('legacy');
    expect(answerFaultControl(switches, 'GET', undefined)).toEqual({
      statusCode: 200,
      body: { service: 'legacy', faults: [{ name: 'legacy-500', rate: 0 }] },
    });
  });

  it('changes a rate on POST and answers with the new state', () => {
    const switches = new FaultSwitches('gateway');
    const answer = answerFaultControl(switches, 'POST', { name: 'wrong-upstream', rate: 0.5 });
    expect(answer).toEqual({
      statusCode: 200,
      body: { service: 'gateway', faults: [{ name: 'wrong-upstream', rate: 0.5 }] },
    });
    expect(switches.rate('wrong-upstream')).toBe(0.5);
  });

  it('refuses a fault another service owns, naming the owner', () => {
    const switches = new FaultSwitches('gateway');
    const answer = answerFaultControl(switches, 'POST', { name: 'exception', rate: 1 });
    expect(answer).toEqual({ statusCode: 400, body: { error: 'exception belongs to orders, not gateway' } });
  });

  it('answers 409 with the reason when the service cannot carry the fault, and leaves it off', () => {
    const switches = new FaultSwitches('orders');
    const refuse = () => 'slow-query needs PostgreSQL';
    const answer = answerFaultControl(switches, 'POST', { name: 'slow-query', rate: 1 }, refuse);
    expect(answer).toEqual({ statusCode: 409, body: { error: 'slow-query needs PostgreSQL' } });
    expect(switches.rate('slow-query')).toBe(0);
    // Turning it off is always allowed.
    expect(answerFaultControl(switches, 'POST', { name: 'slow-query', rate: 0 }, refuse).statusCode).toBe(
      200,
    );
  });

  it('answers 400 for a malformed change and 405 for other methods', () => {
    const switches = new FaultSwitches('orders');
    expect(answerFaultControl(switches, 'POST', { name: 'exception', rate: 2 }).statusCode).toBe(400);
    expect(answerFaultControl(switches, 'DELETE', undefined).statusCode).toBe(405);
  });
});
