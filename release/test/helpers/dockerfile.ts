/** What the smoke test needs from the Dockerfile to run the same steps outside a container. */
export interface DockerfileSteps {
  from: string;
  /** COPY source -> destination in the image. */
  copies: Map<string, string>;
  /** Every RUN command, in order (shell form). */
  run: string[];
  env: Record<string, string>;
  /** CMD in exec form. */
  cmd: string[];
  /** HEALTHCHECK's command in exec form. */
  healthcheck: string[];
  user: string | undefined;
}

/**
 * Reads the instructions the recipe uses (FROM, COPY, RUN, ENV, CMD, HEALTHCHECK, USER); any other
 * instruction than the few that change nothing a test could run (VOLUME, WORKDIR, EXPOSE) is an error,
 * so a step added to the image without a test fails here.
 */
export function dockerfileSteps(text: string): DockerfileSteps {
  const steps: DockerfileSteps = {
    from: '',
    copies: new Map(),
    run: [],
    env: {},
    cmd: [],
    healthcheck: [],
    user: undefined,
  };
  const instructions = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const line of instructions) {
    const [, keyword = '', rest = ''] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    switch (keyword.toUpperCase()) {
      case 'FROM':
        steps.from = rest;
        break;
      case 'COPY': {
        const [source = '', destination = ''] = rest.split(/\s+/);
        steps.copies.set(source, destination);
        break;
      }
      case 'RUN':
        steps.run.push(rest);
        break;
      case 'ENV':
        for (const [, key = '', value = ''] of rest.matchAll(/(\w+)=(\S+)/g)) steps.env[key] = value;
        break;
      case 'CMD':
        steps.cmd = JSON.parse(rest) as string[];
        break;
      case 'HEALTHCHECK':
        steps.healthcheck = JSON.parse(rest.slice(rest.indexOf('CMD') + 3)) as string[];
        break;
      case 'USER':
        steps.user = rest;
        break;
      case 'VOLUME':
      case 'WORKDIR':
      case 'EXPOSE':
        break;
      default:
        throw new Error(`Dockerfile: ${keyword} is not run by the smoke test; add it there first`);
    }
  }
  return steps;
}
