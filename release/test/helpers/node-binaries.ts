/** A Node binary the user's services are started with in the smoke test. */
export interface NodeUnderTest {
  major: string;
  path: string;
}

/** The machine's Node (the collector's too). */
export function nodesUnderTest(): NodeUnderTest[] {
  return [{ major: process.versions.node.split('.')[0]!, path: process.execPath }];
}
