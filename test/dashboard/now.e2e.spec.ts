/// <reference lib="dom" />
/**
 * The program page for a release manager at 2 a.m. (issue 25), in Debian's Chromium: the "now" strip
 * comes first and its first item is on the first screen of a laptop and of a phone; outcomes are
 * drawn honestly (a decision nobody has voted on is pending, never a red NO-GO); a blocker with an
 * owner waits on the owner's party; the strip reads the same with JavaScript off.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { launchChromium } from '../support/browser.js';
import { EXAMPLE_PROGRAM, exampleLines, recordedAfter, startServer, type RunningServer } from '../support/server.js';

const running: RunningServer[] = [];
let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

const PAGE = `/programs/${EXAMPLE_PROGRAM}`;
const IC = 'memorykernel-incident-commander';
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

/** `cutover serve --data` over a folder holding these lines as the example program's ledger. */
async function serverWith(lines: readonly string[]): Promise<RunningServer> {
  const data = tempDir();
  writeFileSync(join(data, `${EXAMPLE_PROGRAM}.jsonl`), lines.join('\n') + '\n');
  const server = await startServer(['--data', data]);
  running.push(server);
  return server;
}

/** The example with a SEV-1 identified 20 minutes ago: its initial notice (15 min) is five minutes overdue. */
function overdueNotice(): string[] {
  const lines = exampleLines();
  const declared = recordedAfter(lines, {
    type: 'declare-incident',
    actor: IC,
    at: minutesAgo(19),
    id: 'INC-1',
    trigger: 'envelope-mismatch',
    severity: 'SEV-1',
    summary: 'non-2xx envelope shape mismatch in production',
    identifiedAt: minutesAgo(20),
  });
  return [...lines, declared];
}

async function pageOf(url: string, options: BrowserContextOptions): Promise<Page> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

/** Whether the element lies wholly within the first screen, the page not scrolled. */
async function onFirstScreen(page: Page, selector: string): Promise<{ top: number; bottom: number; height: number; scrollY: number }> {
  return page.locator(selector).evaluate((el) => {
    const box = el.getBoundingClientRect();
    return { top: Math.max(0, Math.round(box.top)), bottom: Math.round(box.bottom) <= window.innerHeight ? 1 : 0, height: window.innerHeight, scrollY: window.scrollY };
  });
}

describe('the now strip: the most urgent thing first', () => {
  for (const [width, height] of [
    [1280, 800],
    [390, 844],
  ] as const) {
    it(`an overdue SEV-1 initial notice leads, with how late and the incident commander's role and party, on the first screen at ${width}×${height}`, async () => {
      const server = await serverWith(overdueNotice());
      for (const javaScriptEnabled of [true, false]) {
        const page = await pageOf(`${server.url}${PAGE}`, { viewport: { width, height }, javaScriptEnabled });
        const first = page.locator('#now li.now-item').first();
        await expect(first.getAttribute('data-key')).resolves.toBe('incident:INC-1:initial-notice');
        const text = (await first.innerText()).replace(/\s+/g, ' ');
        expect(text).toMatch(/overdue by 5m( \d+s)?/);
        expect(text).toContain('INC-1 initial notice');
        expect(text).toContain('MemoryKernel Producer On-Call Lead');
        expect(text).toContain(`(${IC})`);
        await expect(first.locator(`.who[data-role="${IC}"] strong`).innerText()).resolves.toBe('MemoryKernel');
        await expect(first.locator('pre code').innerText()).resolves.toBe(`cutover incident notify INC-1 --as ${IC}`);
        await expect(first.locator('a.what').getAttribute('href')).resolves.toBe('#incident-INC-1');
        expect(await onFirstScreen(page, '#now li.now-item:first-child'), `JavaScript ${javaScriptEnabled ? 'on' : 'off'}`).toEqual({ top: expect.any(Number), bottom: 1, height, scrollY: 0 });
        // Then the deadline due soon, the open incident with its commander, and the blockers; whose move in that order.
        const keys = await page.locator('#now li.now-item').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.key));
        expect(keys.slice(0, 3)).toEqual(['incident:INC-1:initial-notice', 'incident:INC-1:rollback-recommendation', 'incident:INC-1']);
        await expect(page.locator('#now .whose-move span[data-party]').first().getAttribute('data-party')).resolves.toBe('memorykernel');
        await page.context().close();
      }
    });
  }

  it("a blocker with an owner waits on that owner's party", async () => {
    const lines = exampleLines();
    const raised = recordedAfter(lines, { type: 'raise-blocker', actor: 'integration-program-owner', at: minutesAgo(5), text: 'security sign-off of the envelope change', owner: 'memorykernel-release-owner', due: '2099-12-05' });
    const server = await serverWith([...lines, raised]);
    const page = await pageOf(`${server.url}${PAGE}`, { viewport: { width: 1280, height: 800 } });
    const blocker = page.locator('#now li.now-item[data-key="blocker:B-1"]');
    await expect(blocker.locator('a.what').innerText()).resolves.toBe('security sign-off of the envelope change');
    const waiting = await blocker.locator('p.owed').innerText();
    expect(waiting.replace(/\s+/g, ' ')).toMatch(/^waiting on MemoryKernel Release Owner \(memorykernel-release-owner\), MemoryKernel · owner: MemoryKernel Release Owner/);
    await expect(blocker.locator('.who').first().getAttribute('data-party')).resolves.toBe('memorykernel');
    await expect(page.locator('#summary').innerText()).resolves.toMatch(/Whose move\s+MemoryKernel, AssistSupport/);
  });
});

describe('phones', () => {
  it('at 390 px the overview intro spans the width, and the waiting mark is drawn (inline SVG, not a glyph Debian has no font for)', async () => {
    const server = await serverWith(overdueNotice());
    const overview = await pageOf(`${server.url}/`, { viewport: { width: 390, height: 844 } });
    const caption = await overview.locator('table.programs caption').evaluate((c) => Math.round(c.getBoundingClientRect().width));
    expect(caption).toBeGreaterThan(300);
    const page = await pageOf(`${server.url}${PAGE}`, { viewport: { width: 390, height: 844 } });
    const waiting = page.locator('#incidents tr[data-deadline="repin-confirmation"] .badge.s-waiting');
    expect((await waiting.innerText()).trim()).toBe('waiting');
    const mark = await waiting.locator('svg.mark').evaluate((svg) => ({ width: Math.round(svg.getBoundingClientRect().width), hidden: svg.getAttribute('aria-hidden') }));
    expect(mark.width).toBeGreaterThan(5);
    expect(mark.hidden).toBe('true');
  });
});

describe('outcomes drawn honestly', () => {
  it('a decision nobody has voted on is pending: no NO-GO mark anywhere, no red', async () => {
    // The example up to the rehearsal's two GOs: no party has spoken on runtime-cutover yet, and its gates are unmet.
    const server = await serverWith(exampleLines().slice(0, 4));
    const page = await pageOf(`${server.url}${PAGE}`, { viewport: { width: 1280, height: 800 } });
    await expect(page.locator('#decision-runtime-cutover h3 .badge').innerText()).resolves.toMatch(/pending$/);
    await expect(page.locator('#decision-runtime-cutover h3 .badge').getAttribute('class')).resolves.toBe('badge s-pending');
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/✖/);
    await expect(page.locator('main .badge.nogo, main .badge.s-failed').count()).resolves.toBe(0);
    await expect(page.locator('#matrix td[data-gate="bilateral-go"]').evaluateAll((tds) => tds.map((td) => (td as HTMLElement).dataset.status))).resolves.toEqual(['missing', 'missing']);
  });

  it('NO-GO is red where a party said it', async () => {
    const server = await serverWith(exampleLines());
    const page = await pageOf(`${server.url}${PAGE}`, { viewport: { width: 1280, height: 800 } });
    await expect(page.locator('#decision-runtime-cutover h3 .badge.nogo').innerText()).resolves.toMatch(/NO-GO/);
    await expect(page.locator('#decision-rehearsal-continuation h3 .badge.go').count()).resolves.toBe(1);
  });
});
