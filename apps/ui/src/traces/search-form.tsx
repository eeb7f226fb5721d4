import { useEffect, useState } from 'preact/hooks';
import type { ServiceInfo } from '../api/search-api.js';
import { type SearchForm as Form, RANGES } from './search-query.js';

/** The search form of the traces page; `onSearch` receives the edited form on submit. */
export function SearchForm(props: { form: Form; services: ServiceInfo[]; onSearch: (form: Form) => void }) {
  const [form, setForm] = useState(props.form);
  useEffect(() => setForm(props.form), [props.form]);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const operations = props.services.find((s) => s.service === form.service)?.operations ?? [
    ...new Set(props.services.flatMap((s) => s.operations)),
  ];
  const attrs = form.attrs.length > 0 ? form.attrs : [''];
  const submit = (event: Event) => {
    event.preventDefault();
    props.onSearch({ ...form, attrs: form.attrs.filter((a) => a.trim() !== '') });
  };
  return (
    <form class="search-form" onSubmit={submit} aria-label="Search traces">
      <label>
        Service
        <select value={form.service} onChange={(e) => set('service', e.currentTarget.value)}>
          <option value="">Any service</option>
          {props.services.map((s) => (
            <option key={s.service} value={s.service}>
              {s.service}
            </option>
          ))}
        </select>
      </label>
      <label>
        Operation
        <input
          data-search-input
          list="operation-names"
          placeholder="e.g. GET /orders/:id"
          value={form.operation}
          onInput={(e) => set('operation', e.currentTarget.value)}
        />
        <datalist id="operation-names">
          {operations.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </label>
      <label>
        HTTP status
        <input
          inputMode="numeric"
          placeholder="500"
          size={5}
          value={form.status}
          onInput={(e) => set('status', e.currentTarget.value)}
        />
      </label>
      <label>
        Duration (ms)
        <span class="range-inputs">
          <input
            inputMode="decimal"
            placeholder="min"
            size={6}
            aria-label="Minimum duration in ms"
            value={form.minDurationMs}
            onInput={(e) => set('minDurationMs', e.currentTarget.value)}
          />
          –
          <input
            inputMode="decimal"
            placeholder="max"
            size={6}
            aria-label="Maximum duration in ms"
            value={form.maxDurationMs}
            onInput={(e) => set('maxDurationMs', e.currentTarget.value)}
          />
        </span>
      </label>
      <label>
        Time
        <select value={form.range} onChange={(e) => set('range', e.currentTarget.value)}>
          {RANGES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </label>
      {form.range === 'custom' && (
        <span class="custom-range">
          <input
            type="datetime-local"
            step="0.001"
            aria-label="From"
            value={form.start}
            onInput={(e) => set('start', e.currentTarget.value)}
          />
          <input
            type="datetime-local"
            step="0.001"
            aria-label="To"
            value={form.end}
            onInput={(e) => set('end', e.currentTarget.value)}
          />
        </span>
      )}
      <fieldset class="attr-inputs">
        <legend>Attributes</legend>
        {attrs.map((attr, i) => (
          <input
            key={i}
            placeholder="key=value, e.g. service.version=1.4.2"
            value={attr}
            onInput={(e) => {
              const next = [...attrs];
              next[i] = e.currentTarget.value;
              set('attrs', next);
            }}
          />
        ))}
        <button type="button" class="link-button" onClick={() => set('attrs', [...attrs, ''])}>
          + attribute
        </button>
      </fieldset>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={form.errorsOnly}
          onChange={(e) => set('errorsOnly', e.currentTarget.checked)}
        />
        Errors only
      </label>
      {form.group && (
        <span class="group-filter">
          group <code>{form.group}</code>
          <button
            type="button"
            class="link-button"
            aria-label="Clear group filter"
            onClick={() => set('group', '')}
          >
            ×
          </button>
        </span>
      )}
      <button type="submit" class="primary">
        Search
      </button>
    </form>
  );
}
