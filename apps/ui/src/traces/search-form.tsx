import { useEffect, useState } from 'preact/hooks';
import type { ServiceInfo } from '../api/search-api.js';
import { AttributeInputs } from './attribute-inputs.js';
import type { SearchForm as Form } from './search-query.js';
import { ServiceOperationFields } from './service-operation-fields.js';
import { TimeRangeFields } from './time-range-fields.js';

/**
 * The search form of the traces page: a draft of `form` (reset when the URL's form changes) that
 * `onSearch` receives on submit, blank attribute filters left out.
 */
export function SearchForm(props: { form: Form; services: ServiceInfo[]; onSearch: (form: Form) => void }) {
  const [form, setForm] = useState(props.form);
  useEffect(() => setForm(props.form), [props.form]);
  const set = <K extends keyof Form>(key: K, value: Form[K]) => setForm((f) => ({ ...f, [key]: value }));
  const submit = (event: Event) => {
    event.preventDefault();
    props.onSearch({ ...form, attrs: form.attrs.filter((a) => a.trim() !== '') });
  };
  return (
    <form class="search-form" onSubmit={submit} aria-label="Search traces">
      <ServiceOperationFields
        services={props.services}
        service={form.service}
        operation={form.operation}
        onService={(service) => set('service', service)}
        onOperation={(operation) => set('operation', operation)}
      />
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
      <TimeRangeFields
        range={form.range}
        start={form.start}
        end={form.end}
        onRange={(range) => set('range', range)}
        onStart={(start) => set('start', start)}
        onEnd={(end) => set('end', end)}
      />
      <AttributeInputs attrs={form.attrs} onChange={(attrs) => set('attrs', attrs)} />
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
