import type { ServiceInfo } from '../api/search-api.js';

/**
 * The search's service and operation: the operation box suggests the chosen service's operations,
 * or every service's when none is chosen.
 */
export function ServiceOperationFields(props: {
  services: ServiceInfo[];
  service: string;
  operation: string;
  onService: (service: string) => void;
  onOperation: (operation: string) => void;
}) {
  const operations = props.services.find((s) => s.service === props.service)?.operations ?? [
    ...new Set(props.services.flatMap((s) => s.operations)),
  ];
  return (
    <>
      <label>
        Service
        <select value={props.service} onChange={(e) => props.onService(e.currentTarget.value)}>
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
          value={props.operation}
          onInput={(e) => props.onOperation(e.currentTarget.value)}
        />
        <datalist id="operation-names">
          {operations.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
      </label>
    </>
  );
}
