import type { QueryParams } from '../api/http-client.js';

/** The traces page's form, as it lives in the URL query (so a search is a link and back works). */
export interface SearchForm {
  service: string;
  operation: string;
  errorsOnly: boolean;
  status: string;
  minDurationMs: string;
  maxDurationMs: string;
  /** `15m`, `1h`, `6h`, `24h`, `7d`, `all`, or `custom` (then `start`/`end` apply). */
  range: string;
  start: string;
  end: string;
  attrs: string[];
  group: string;
}

/** Preset time ranges, in ms, offered by the form. */
export const RANGES: readonly { value: string; label: string; ms: number | undefined }[] = [
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 24 * 3_600_000 },
  { value: 'all', label: 'Any time', ms: undefined },
  { value: 'custom', label: 'Between…', ms: undefined },
];

/** Reads the form from URL parameters; anything missing takes its default. */
export function formFromParams(params: URLSearchParams): SearchForm {
  return {
    service: params.get('service') ?? '',
    operation: params.get('operation') ?? '',
    errorsOnly: params.get('errors') === 'true',
    status: params.get('status') ?? '',
    minDurationMs: params.get('minDurationMs') ?? '',
    maxDurationMs: params.get('maxDurationMs') ?? '',
    range: params.get('range') ?? 'all',
    start: params.get('start') ?? '',
    end: params.get('end') ?? '',
    attrs: params.getAll('attr'),
    group: params.get('group') ?? '',
  };
}

/** The URL parameters of a form; defaults are left out so links stay short. */
export function paramsFromForm(form: SearchForm): Record<string, string> {
  const params: Record<string, string> = {};
  if (form.service) params.service = form.service;
  if (form.operation) params.operation = form.operation;
  if (form.errorsOnly) params.errors = 'true';
  if (form.status.trim()) params.status = form.status.trim();
  if (form.minDurationMs.trim()) params.minDurationMs = form.minDurationMs.trim();
  if (form.maxDurationMs.trim()) params.maxDurationMs = form.maxDurationMs.trim();
  if (form.range !== 'all') params.range = form.range;
  if (form.range === 'custom' && form.start) params.start = form.start;
  if (form.range === 'custom' && form.end) params.end = form.end;
  if (form.group) params.group = form.group;
  return params;
}

/** The URL query string of a form, attributes repeated as `attr=key=value`. */
export function queryStringFromForm(form: SearchForm): string {
  const query = new URLSearchParams(paramsFromForm(form));
  for (const attr of form.attrs) if (attr.trim()) query.append('attr', attr.trim());
  return query.toString();
}

/** The `GET /api/traces` parameters of a form, evaluating a relative range against `nowMs`. */
export function apiParamsFromForm(form: SearchForm, nowMs: number): QueryParams {
  const range = RANGES.find((r) => r.value === form.range);
  const params: QueryParams = {
    service: form.service || undefined,
    operation: form.operation || undefined,
    errors: form.errorsOnly ? 'true' : undefined,
    status: form.status.trim() || undefined,
    minDurationMs: form.minDurationMs.trim() || undefined,
    maxDurationMs: form.maxDurationMs.trim() || undefined,
    group: form.group || undefined,
    attr: form.attrs.map((a) => a.trim()).filter((a) => a.includes('=')),
  };
  if (range?.ms !== undefined) params.start = String(nowMs - range.ms);
  if (form.range === 'custom') {
    // datetime-local values carry no zone: they are the viewer's local time, which Date reads them as.
    if (form.start) params.start = String(new Date(form.start).getTime());
    if (form.end) params.end = String(new Date(form.end).getTime());
  }
  return params;
}
