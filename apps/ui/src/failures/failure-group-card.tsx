import { useState } from 'preact/hooks';
import type { FailureGroup } from '../api/failures-api.js';
import { serviceStyle } from '../format/service-colour.js';
import { formatAgo, formatDateTime, unixNanoToMs } from '../format/time-format.js';
import { Link } from '../router/history.js';
import { tracePath, tracesPath } from '../router/routes.js';
import { GroupDifferences } from './group-differences.js';
import { GroupEndpoints } from './group-endpoints.js';
import { Sparkline } from './sparkline.js';

/**
 * One failure group: where it originated, why, how often, since when; a click opens its latest trace,
 * and "What differs" shows what its failing requests have that successful ones do not.
 */
export function FailureGroupCard(props: { group: FailureGroup; nowMs: number }) {
  const { group, nowMs } = props;
  const [showDifferences, setShowDifferences] = useState(false);
  const lastMs = unixNanoToMs(group.lastSeenUnixNano);
  const firstMs = unixNanoToMs(group.firstSeenUnixNano);
  return (
    <li class="failure-card" data-testid="failure-group">
      <div class="failure-main">
        <Link class="failure-title" href={tracePath(group.latestTraceId)} title="Open the latest trace">
          <span class="service-chip" style={serviceStyle(group.originService)}>
            {group.originService}
          </span>
          <span class="sep">›</span>
          <span class="operation">{group.originOperation}</span>
        </Link>
        <div class="failure-cause">
          <strong class="cause-label">{group.causeLabel}</strong>
          {group.message && (
            <span class="failure-message">
              {group.exceptionType ? `${group.exceptionType}: ` : ''}
              {group.message}
            </span>
          )}
        </div>
        <GroupEndpoints service={group.originService} endpoints={group.originEndpoints ?? []} />
        <div class="failure-meta">
          {group.entryEndpoints.length > 0 && (
            <span title="Entry endpoints that answered 5xx">
              {group.entryEndpoints.slice(0, 3).join(', ')}
              {group.entryEndpoints.length > 3 ? ` +${group.entryEndpoints.length - 3}` : ''}
            </span>
          )}
          {group.firstVersion && <span class="version-badge">started with v{group.firstVersion}</span>}
          <span title={formatDateTime(group.firstSeenUnixNano)}>first {formatAgo(firstMs, nowMs)}</span>
          <span title={formatDateTime(group.lastSeenUnixNano)}>last {formatAgo(lastMs, nowMs)}</span>
        </div>
      </div>
      <div class="failure-side">
        <div class="failure-count">
          <span class="count">{group.count}</span> {group.count === 1 ? 'failure' : 'failures'}
        </div>
        <Sparkline perMinute={group.perMinute} nowMs={nowMs} />
        <span class="failure-links">
          <Link href={tracePath(group.latestTraceId)}>latest trace</Link> ·{' '}
          <Link href={tracesPath({ group: group.fingerprint })}>all traces →</Link>
        </span>
        <button
          type="button"
          class="link-button differences-toggle"
          aria-expanded={showDifferences}
          onClick={() => setShowDifferences((shown) => !shown)}
        >
          {showDifferences ? 'Hide what differs' : 'What differs'}
        </button>
      </div>
      {showDifferences && <GroupDifferences fingerprint={group.fingerprint} />}
    </li>
  );
}
