import { describe, expect, it } from 'vitest';
import { apiParamsFromForm, formFromParams, queryStringFromForm } from './search-query.js';

describe('the search form in the URL', () => {
  it('round-trips through the query string, attributes repeated', () => {
    const query =
      'service=orders&errors=true&status=500&minDurationMs=100&range=1h&group=b1946ac92492d234&attr=service.version%3D1.4.2&attr=http.route%3D%2Forders';
    const form = formFromParams(new URLSearchParams(query));
    expect(form.attrs).toEqual(['service.version=1.4.2', 'http.route=/orders']);
    expect(new URLSearchParams(queryStringFromForm(form))).toEqual(new URLSearchParams(query));
  });

  it('turns a relative range into an absolute start for the API', () => {
    const form = formFromParams(new URLSearchParams('range=15m&attr=broken&attr=k=v'));
    const params = apiParamsFromForm(form, 1_000_000_000);
    expect(params.start).toBe(String(1_000_000_000 - 15 * 60_000));
    expect(params.attr).toEqual(['k=v']);
    expect(params.errors).toBeUndefined();
  });
});
