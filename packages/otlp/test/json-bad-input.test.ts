import { describe, expect, it } from 'vitest';
import { decodeLogsJson, decodeTracesJson, OtlpDecodeError } from '../src/index.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

function traces(spans: object[], scope: object = { name: 'x' }): string {
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeSpans: [{ scope, spans }],
      },
    ],
  });
}

const span = (fields: object = {}) => ({ traceId: TRACE_ID, spanId: SPAN_ID, name: 'ok', ...fields });

describe('a JSON body that cannot be decoded', () => {
  it.each([
    ['not JSON', 'resourceSpans: []', /^invalid JSON/],
    ['empty', '', /empty body/],
    ['an array', '[]', /the body must be a JSON object \(an ExportTraceServiceRequest\), got an array/],
    ['a string', '"hello"', /got the string "hello"/],
    ['resourceSpans not an array', '{"resourceSpans":{}}', /resourceSpans must be an array, got an object/],
    [
      'a ResourceSpans not an object',
      '{"resourceSpans":[7]}',
      /resourceSpans\[0\] must be an object, got number 7/,
    ],
    [
      'a time that is not an integer',
      traces([span({ startTimeUnixNano: { n: 1 } })]),
      /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.startTimeUnixNano must be an unsigned 64-bit integer/,
    ],
    [
      'a name that is not a string',
      traces([span({ name: 42 })]),
      /spans\[0\]\.name must be a string, got number 42/,
    ],
    [
      'an unknown kind name',
      traces([span({ kind: 'SERVER_ISH' })]),
      /spans\[0\]\.kind must be an integer or one of/,
    ],
    [
      'an attribute without a key',
      traces([span({ attributes: [{ value: { stringValue: 'v' } }, { key: 3 }] })]),
      /spans\[0\]\.attributes\[1\]\.key must be a string, got number 3/,
    ],
    [
      'an intValue with a fraction',
      traces([span({ attributes: [{ key: 'k', value: { intValue: 1.5 } }] })]),
      /attributes\[0\]\.value\.intValue must be a 64-bit integer/,
    ],
    [
      'an intValue out of int64 range',
      traces([span({ attributes: [{ key: 'k', value: { intValue: '9223372036854775808' } }] })]),
      /intValue must be a 64-bit integer/,
    ],
  ])('is an OtlpDecodeError naming the field when it is %s', (_case, body, message) => {
    expect(() => decodeTracesJson(body)).toThrow(OtlpDecodeError);
    expect(() => decodeTracesJson(body)).toThrow(message);
  });
});

describe('a JSON request with some malformed span ids', () => {
  it('keeps the valid spans and rejects each malformed one with its reason', () => {
    const decoded = decodeTracesJson(
      traces([
        span({ name: 'a' }),
        span({ name: 'not hex', traceId: 'zz'.repeat(16) }),
        span({ name: 'base64', traceId: 'S/kvNXezTaajzpKdDg5HNg==' }),
        span({ name: 'short', spanId: '00f067aa0ba902' }),
        span({ name: 'numeric', spanId: 12 }),
        span({ name: 'parent', parentSpanId: 'abc' }),
        span({ name: 'b' }),
      ]),
    );
    expect(decoded.spans.map((s) => s.name)).toEqual(['a', 'b']);
    expect(decoded.rejectedSpans).toBe(5);
    expect(decoded.errorMessage).toBe(
      `5 spans rejected: span 2 'not hex' of scope 'x': trace id is not hex: "${'zz'.repeat(16)}"; ` +
        `span 3 'base64' of scope 'x': trace id is not hex: "S/kvNXezTaajzpKdDg5HNg==" (OTLP/JSON ids are hex, not base64); ` +
        "span 4 'short' of scope 'x': span id must be 16 hex digits, got 14; and 2 more",
    );
  });

  it('accepts uppercase hex (the spec says case-insensitive) and stores it lowercase', () => {
    const [decoded] = decodeTracesJson(
      traces([span({ traceId: TRACE_ID.toUpperCase(), parentSpanId: 'EEE19B7EC3C1B173' })]),
    ).spans;
    expect(decoded?.traceId).toBe(TRACE_ID);
    expect(decoded?.parentSpanId).toBe('eee19b7ec3c1b173');
  });
});

describe('lenient OTLP/JSON reading', () => {
  it('decodes {} as a request with no spans or logs', () => {
    expect(decodeTracesJson('{}')).toStrictEqual({ spans: [], rejectedSpans: 0, errorMessage: '' });
    expect(decodeLogsJson('{}')).toStrictEqual({ logs: [], rejectedLogRecords: 0, errorMessage: '' });
  });

  it('accepts snake_case field names, enum names, numbers for int64 and ignores unknown fields', () => {
    const body = JSON.stringify({
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                {
                  trace_id: TRACE_ID,
                  span_id: SPAN_ID,
                  parent_span_id: '',
                  name: 'snake',
                  kind: 'SPAN_KIND_CLIENT',
                  start_time_unix_nano: 1_700_000_000_000,
                  end_time_unix_nano: '1700000000000000500',
                  status: { code: 'STATUS_CODE_ERROR', message: 'x' },
                  attributes: [
                    { key: 'n', value: { int_value: 7 } },
                    { key: 'd', value: { double_value: '2.5' } },
                  ],
                  someFutureField: { anything: true },
                },
              ],
            },
          ],
        },
      ],
      futureTopLevel: 1,
    });
    const [decoded] = decodeTracesJson(body).spans;
    expect(decoded).toMatchObject({
      name: 'snake',
      kind: 'CLIENT',
      parentSpanId: null,
      startTimeUnixNano: 1_700_000_000_000n,
      endTimeUnixNano: 1_700_000_000_000_000_500n,
      status: { code: 'ERROR', message: 'x' },
      attributes: { n: 7, d: 2.5 },
      service: 'unknown_service',
    });
  });

  it('reads log records whose time is missing from the observed time, and rejects malformed ids only', () => {
    const decoded = decodeLogsJson(
      JSON.stringify({
        resourceLogs: [
          {
            scopeLogs: [
              {
                logRecords: [
                  {
                    observedTimeUnixNano: '42',
                    severityNumber: 'SEVERITY_NUMBER_WARN',
                    body: { stringValue: 'w' },
                  },
                  { traceId: 'nothex', body: { stringValue: 'bad' } },
                  {
                    traceId: '0'.repeat(32),
                    spanId: '',
                    body: { kvlistValue: { values: [{ key: 'a', value: { boolValue: true } }] } },
                  },
                ],
              },
            ],
          },
        ],
      }),
    );
    expect(decoded.logs.map((l) => [l.timeUnixNano, l.severityNumber, l.traceId, l.body])).toEqual([
      [42n, 13, null, 'w'],
      [0n, 0, null, { a: true }],
    ]);
    expect(decoded.rejectedLogRecords).toBe(1);
    expect(decoded.errorMessage).toBe(
      `1 log record rejected: log record 2 of scope '': trace id is not hex: "nothex"`,
    );
  });
});
