// Resource (opentelemetry/proto/resource/v1/resource.proto) and InstrumentationScope
// (common/v1/common.proto) in OTLP/JSON form.
import type { Attributes } from '@faultline/model';
import type { JsonObject } from './json-fields.js';
import { objectField, pathOf, stringField } from './json-fields.js';
import type { JsonValueReader } from './json-values.js';
import type { Scope } from './protobuf-common.js';

/** Reads `owner.resource` into a new attributes object (shared by every item under that owner). */
export function jsonResource(owner: JsonObject, path: string, values: JsonValueReader): Attributes {
  const resource: Attributes = {};
  const message = objectField(owner, 'resource', 'resource', path);
  if (message !== null) values.attributes(message, pathOf(path, 'resource'), resource);
  return resource;
}

/** Reads `owner.scope`'s name and version; undefined when the owner has no scope. */
export function jsonScope(owner: JsonObject, path: string): Scope | undefined {
  const message = objectField(owner, 'scope', 'scope', path);
  if (message === null) return undefined;
  const scopePath = pathOf(path, 'scope');
  const name = stringField(message, 'name', 'name', scopePath);
  const version = stringField(message, 'version', 'version', scopePath);
  return version === '' ? { name } : { name, version };
}
