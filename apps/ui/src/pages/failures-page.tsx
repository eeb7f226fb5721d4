import { listFailures } from '../api/failures-api.js';
import { ApiError } from '../api/http-client.js';
import { searchTraces } from '../api/search-api.js';
import { EmptyFailures } from '../failures/empty-state.js';
import { FailureGroupCard } from '../failures/failure-group-card.js';
import { usePolled } from '../hooks/use-polled.js';
import { Link } from '../router/history.js';
import { tracesPath } from '../router/routes.js';

const POLL_MS = 3000;

/** The home page: failing requests grouped by where and why they failed, refreshed every 3 s. */
export function FailuresPage() {
  const failures = usePolled(
    async (signal) => {
      const groups = await listFailures(signal);
      // Only an empty page needs to know whether any trace arrived at all, to pick its advice.
      const hasTraces = groups.length > 0 || (await searchTraces({ limit: 1 }, signal)).traces.length > 0;
      return { groups, hasTraces };
    },
    POLL_MS,
    [],
  );
  const nowMs = Date.now();
  const data = failures.data;
  return (
    <main class="page failures-page">
      <header class="page-header">
        <h1>Failures</h1>
        <p class="muted">
          Requests that answered 5xx in the last 24 hours, grouped by where the failure originated and why.
        </p>
      </header>
      {failures.error && <LoadError error={failures.error} />}
      {!data && !failures.error && <p class="muted loading">Loading failures…</p>}
      {data && data.groups.length === 0 && <EmptyFailures hasTraces={data.hasTraces} />}
      {data && data.groups.length > 0 && (
        <ul class="failure-list" aria-label="Failure groups">
          {data.groups.map((group) => (
            <FailureGroupCard key={group.fingerprint} group={group} nowMs={nowMs} />
          ))}
        </ul>
      )}
    </main>
  );
}

function LoadError(props: { error: Error }) {
  if (props.error instanceof ApiError && props.error.status === 404) {
    return (
      <p class="notice">
        This collector does not group failures yet.{' '}
        <Link href={tracesPath({ errors: 'true' })}>See failing traces</Link> instead.
      </p>
    );
  }
  return <p class="notice error">Could not load failures: {props.error.message}. Retrying every 3 s.</p>;
}
