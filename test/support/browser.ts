/**
 * A real browser for the dashboard's tests: playwright-core driving Debian's Chromium
 * (/usr/bin/chromium, package `chromium`; .ci/run installs it). Never a browser download.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { RunningServer } from './server.js';

export const CHROMIUM = process.env.CUTOVER_CHROMIUM ?? '/usr/bin/chromium';

/**
 * One Chromium for a test file, and the servers its tests start (push them on `servers`): the
 * browser closes after the file, each server is killed after its test.
 */
export function useChromium(): { readonly browser: Browser; readonly servers: RunningServer[] } {
  let browser: Browser | undefined;
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.stop('SIGKILL');
  });
  return {
    get browser(): Browser {
      if (browser === undefined) throw new Error('Chromium is not started yet: use it inside a test');
      return browser;
    },
    servers,
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

/** Run axe-core (from node_modules, the pinned version) on the page; the page's context must bypass its CSP. */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    const { violations } = await axe.run();
    return violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
}
