import { type Browser, chromium } from 'playwright-core';

/**
 * Launches the system Chromium (`CHROMIUM_PATH` overrides /usr/bin/chromium), headless and quiet;
 * `extraArgs` adds switches (`--host-resolver-rules=…` to point a name at loopback).
 */
export function launchChromium(extraArgs: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...extraArgs,
    ],
  });
}
