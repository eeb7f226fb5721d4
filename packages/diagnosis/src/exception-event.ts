import type { Span } from '@faultline/model';
import {
  EXCEPTION_EVENT_NAME,
  EXCEPTION_MESSAGE,
  EXCEPTION_STACKTRACE,
  EXCEPTION_TYPE,
} from '@faultline/model';

/** An exception recorded on a span, as the SDK's `recordException` writes it. */
export interface RecordedException {
  /** `exception.type` as recorded. */
  type?: string;
  /**
   * The error's class name, read from the stack's first line when `exception.type` holds a code instead.
   * The SDK writes `error.code` over the name when there is one: a `TimeoutError` DOMException becomes
   * type "23", a connect error "ECONNREFUSED" (sdk-trace Span#recordException).
   */
  name?: string;
  message?: string;
  stacktrace?: string;
  /** When it was recorded, on the span's own clock. */
  timeUnixNano: bigint;
}

/** The last exception event of a span (the one that ended it), or undefined. */
export function exceptionOf(span: Span): RecordedException | undefined {
  for (let i = span.events.length - 1; i >= 0; i--) {
    const event = span.events[i]!;
    if (event.name !== EXCEPTION_EVENT_NAME) continue;
    const type = stringOf(event.attributes[EXCEPTION_TYPE]);
    const message = stringOf(event.attributes[EXCEPTION_MESSAGE]);
    const stacktrace = stringOf(event.attributes[EXCEPTION_STACKTRACE]);
    return {
      type,
      name: classNameOf(type, stacktrace),
      message,
      stacktrace,
      timeUnixNano: event.timeUnixNano,
    };
  }
  return undefined;
}

/** True when the span recorded an exception event. */
export function hasException(span: Span): boolean {
  return span.events.some((e) => e.name === EXCEPTION_EVENT_NAME);
}

const CLASS_NAME_LINE = /^([A-Za-z_$][\w$]*)(?::|$)/;

function classNameOf(type: string | undefined, stacktrace: string | undefined): string | undefined {
  const fromStack = stacktrace ? CLASS_NAME_LINE.exec(stacktrace.trimStart())?.[1] : undefined;
  if (fromStack) return fromStack;
  return type && !/^\d+$/.test(type) ? type : undefined;
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
