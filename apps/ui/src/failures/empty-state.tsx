/** What the home page says before any failure arrived: how to send data to this collector. */
export function EmptyFailures(props: { hasTraces: boolean }) {
  return (
    <section class="empty-state" data-testid="empty-failures">
      <h2>{props.hasTraces ? 'No failures in the last 24 hours' : 'Waiting for your first trace'}</h2>
      <p>
        {props.hasTraces
          ? 'Traces are arriving, and none of their requests answered 5xx. When one does, it shows up here within seconds.'
          : 'Faultline is listening. Start your Node services with the instrumentation and make a request:'}
      </p>
      {!props.hasTraces && (
        <>
          <pre class="command">
            <code>node --require @faultline/instrument/register app.js</code>
          </pre>
          <p class="muted">
            It sends OTLP to this collector at <code>http://127.0.0.1:4318</code> by default (or wherever{' '}
            <code>OTEL_EXPORTER_OTLP_ENDPOINT</code> points).
            <br />
            ESM apps use <code>node --import @faultline/instrument/register app.mjs</code>.
          </p>
        </>
      )}
    </section>
  );
}
