import { fireEvent, render, screen } from '@testing-library/preact';
import { describe, expect, it } from 'vitest';
import { SearchForm } from '../src/traces/search-form.js';
import { type SearchForm as Form, formFromParams } from '../src/traces/search-query.js';

const SERVICES = [
  { service: 'gateway', operations: ['GET /api/orders/:id'] },
  { service: 'orders', operations: ['GET /orders/:id', 'pg.query'] },
];

function renderForm(query = '') {
  const searched: Form[] = [];
  const view = render(
    <SearchForm
      form={formFromParams(new URLSearchParams(query))}
      services={SERVICES}
      onSearch={(form) => searched.push(form)}
    />,
  );
  const suggestions = () =>
    [...view.container.querySelectorAll<HTMLOptionElement>('#operation-names option')].map((o) => o.value);
  return { ...view, searched, suggestions };
}

describe('the trace search form', () => {
  it('suggests every operation until a service is chosen, then that service’s', () => {
    const { container, suggestions } = renderForm();
    expect(suggestions()).toEqual(['GET /api/orders/:id', 'GET /orders/:id', 'pg.query']);
    fireEvent.change(container.querySelector('select')!, { target: { value: 'orders' } });
    expect(suggestions()).toEqual(['GET /orders/:id', 'pg.query']);
  });

  it('shows From and To only for a custom range, and submits what was typed without blank filters', () => {
    const { searched } = renderForm('service=orders&errors=true&group=g1');
    expect(screen.queryByLabelText('From')).toBeNull();
    fireEvent.change(screen.getByRole('combobox', { name: 'Time' }), { target: { value: 'custom' } });
    fireEvent.input(screen.getByLabelText('From'), { target: { value: '2026-12-06T10:00' } });
    fireEvent.input(screen.getByLabelText('To'), { target: { value: '2026-12-06T11:00' } });
    fireEvent.input(screen.getByPlaceholderText(/key=value/), { target: { value: 'service.version=1.4.2' } });
    fireEvent.click(screen.getByRole('button', { name: '+ attribute' }));
    expect(screen.getAllByPlaceholderText(/key=value/)).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Clear group filter' }));
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(searched).toEqual([
      {
        ...formFromParams(new URLSearchParams('service=orders&errors=true')),
        range: 'custom',
        start: '2026-12-06T10:00',
        end: '2026-12-06T11:00',
        attrs: ['service.version=1.4.2'],
      },
    ]);
  });
});
