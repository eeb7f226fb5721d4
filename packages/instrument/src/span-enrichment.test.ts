import { describe, expect, it } from 'vitest';
import { sqlStateOf } from './span-enrichment.js';

const event = (message: string) => ({
  name: 'exception',
  time: [0, 0] as [number, number],
  attributes: { 'exception.message': message },
});

describe('sqlStateOf', () => {
  it("reads the SQLSTATE out of the pg instrumentation's sanitised exception message", () => {
    const events = [event("PostgreSQL error of type 'error' occurred (code: 57014)")];
    expect(sqlStateOf({ events })).toBe('57014');
  });

  it('finds nothing in other exceptions', () => {
    expect(sqlStateOf({ events: [event('timeout exceeded when trying to connect')] })).toBeUndefined();
  });
});
