const SHOWN = 5;

/**
 * The endpoints of the origin service a failure group was reached through: a group keyed by the code
 * that broke (its top in-app frame) gathers every route that called that code, and which routes those
 * are is the first thing to know about its reach. Nothing is drawn for a group of one endpoint: the
 * card's title already names it.
 */
export function GroupEndpoints(props: { service: string; endpoints: readonly string[] }) {
  const { endpoints } = props;
  if (endpoints.length < 2) return null;
  const hidden = endpoints.length - SHOWN;
  return (
    <div class="group-endpoints" data-testid="group-endpoints">
      <span class="muted">
        {endpoints.length} endpoints of {props.service}:
      </span>{' '}
      {endpoints.slice(0, SHOWN).map((endpoint) => (
        <code key={endpoint} class="endpoint" data-testid="group-endpoint">
          {endpoint}
        </code>
      ))}
      {hidden > 0 && <span class="muted"> +{hidden} more</span>}
    </div>
  );
}
