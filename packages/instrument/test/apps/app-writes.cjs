// What a handler writes on the span it is running in, shared by the app-writes apps: a tenant
// attribute and a cache event on every request; on /app-exception it records the exception it answers
// 500 for, on /app-error it marks the request failed and still answers 200. Returns the status to send.
const { trace, SpanStatusCode } = require('@opentelemetry/api');

function writeOnActiveSpan(path) {
  const span = trace.getActiveSpan();
  span?.setAttribute('tenant.id', 'acme');
  span?.addEvent('cache.miss', { 'cache.key': 'orders:acme' });
  if (path === '/app-exception') {
    span?.recordException(new RangeError('tenant acme is over its order quota'));
    return 500;
  }
  if (path === '/app-error') {
    span?.setStatus({ code: SpanStatusCode.ERROR, message: 'order kept for manual review' });
    return 200;
  }
  return 200;
}

module.exports = { writeOnActiveSpan };
