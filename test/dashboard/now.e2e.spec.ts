/// <reference lib="dom" />
/**
 * The program page for a release manager at 2 a.m. (issue 25), in Debian's Chromium: the "now" strip
 * comes first and its first item is on the first screen of a laptop and of a phone; outcomes are
 * drawn honestly (a decision nobody has voted on is pending, never a red NO-GO); a blocker with an
 * owner waits on the owner's party; the strip reads the same with JavaScript off.
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';
import { axeViolations, useChromium } from '../support/browser.js';
import { EXAMPLE_PROGRAM, exampleLines, recordedAfter, startServer, type RunningServer } from '../support/server.js';

const chromium = useChromium();
const running = chromium.servers;

const PAGE = `/programs/${EXAMPLE_PROGRAM}`;
/** Screenshots go to a temporary folder, or to docs/ with CUTOVER_SCREENSHOTS=docs (docs/dashboard.md shows those). */
const screenshotPath = (name: string) => join(process.env.CUTOVER_SCREENSHOTS === 'docs' ? join(ROOT, 'docs') : tempDir(), name);
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
  const context = await chromium.browser.newContext(options);
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
        if (javaScriptEnabled) await page.screenshot({ path: screenshotPath(`dashboard-now-${width}.png`) });
        // The API's status carries the same list, in the same order.
        const api = (await (await fetch(`${server.url}/v1/programs/${EXAMPLE_PROGRAM}/status`)).json()) as { now: { items: { key: string }[] } };
        expect(api.now.items.map((i) => i.key)).toEqual(keys);
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

describe('accessibility', () => {
  it('the page with an overdue notice, its strip and its charts: no serious or critical axe-core violations, light and dark, wide and narrow', async () => {
    const server = await serverWith(overdueNotice());
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1280, 390]) {
        const page = await pageOf(`${server.url}${PAGE}`, { viewport: { width, height: 844 }, colorScheme, bypassCSP: true });
        const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect({ colorScheme, width, serious }).toEqual({ colorScheme, width, serious: [] });
        await page.context().close();
      }
    }
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

describe('charts: server-side SVG, readable with JavaScript off', () => {
  it('the timeline draws phases as bands, verdicts, the incident and its deadlines as marks, and now; each readiness cell its evidence age', async () => {
    const server = await serverWith(overdueNotice());
    const page = await pageOf(`${server.url}${PAGE}`, { viewport: { width: 1280, height: 800 }, javaScriptEnabled: false });
    const chart = page.locator('#phases figure.timeline-chart svg');
    await expect(chart.getAttribute('role')).resolves.toBe('img');
    await expect(chart.locator('rect.band').evaluateAll((rs) => rs.map((r) => `${(r as HTMLElement).dataset.phase} ${r.getAttribute('class')}`))).resolves.toEqual(['7 band b-closed']);
    // Phase 7 ran from its start to its close, left of the verdicts cast before it closed.
    const x = (selector: string) => chart.locator(selector).evaluateAll((els) => els.map((e) => e.getBoundingClientRect().x + e.getBoundingClientRect().width / 2));
    const [band] = await chart.locator('rect.band').evaluateAll((rs) => rs.map((r) => ({ left: r.getBoundingClientRect().left, right: r.getBoundingClientRect().right })));
    const verdicts = [...(await x('circle.mark-go')), ...(await x('rect.mark-nogo'))];
    expect(verdicts.length).toBe(4);
    for (const v of verdicts) expect(v).toBeGreaterThan(band!.left);
    await expect(chart.locator('rect.mark-nogo title').first().textContent()).resolves.toMatch(/^MemoryKernel NO-GO on runtime-cutover by memorykernel-release-owner, 2026-02-08 10:00 UTC \(seq 5\)$/);
    await expect(chart.locator('path.mark-incident title').textContent()).resolves.toMatch(/^INC-1 SEV-1 declared /);
    await expect(chart.locator('path.mark-deadline.s-overdue title').first().textContent()).resolves.toMatch(/^INC-1 initial notice due .*: overdue by 5m/);
    // Now is right of every mark in the past and left of the deadline still to come.
    const [now] = await x('line.now-line');
    for (const past of [...verdicts, ...(await x('path.mark-incident')), ...(await x('path.mark-deadline.s-overdue'))]) expect(past).toBeLessThanOrEqual(now!);
    for (const soon of await x('path.mark-deadline.s-pending')) expect(soon).toBeGreaterThan(now!);
    // Each cell that rests on an event says how old it is.
    const age = async (party: string, gate: string) => (await page.locator(`#matrix tr[data-party="${party}"] td[data-gate="${gate}"] .age`).innerText()).trim();
    await expect(age('memorykernel', 'bilateral-go')).resolves.toMatch(/^\d+d old$/);
    await expect(age('memorykernel', 'no-blocking-incident')).resolves.toMatch(/^(19|20)m old$/);
    await expect(page.locator('#matrix tr[data-party="assistsupport"] td[data-gate="no-blocking-incident"] .age').count()).resolves.toBe(0);
  });

  it('the page script stays under 5 kB gzipped', async () => {
    const server = await serverWith(exampleLines());
    const script = Buffer.from(await (await fetch(`${server.url}/dashboard/app.js`)).arrayBuffer());
    const gzipped = gzipSync(script, { level: 9 }).length;
    console.log(`dashboard: app.js ${script.length} bytes, ${gzipped} bytes gzipped`);
    expect(gzipped).toBeLessThan(5 * 1024);
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

describe('the now strip follows time, not only the ledger', () => {
  it('a notice due soon turns overdue on the open page when its time passes, with no line posted and no reload', async () => {
    // The SEV-1 was identified 14 min 48 s ago: its 15-minute initial notice falls due in 12 s.
    const lines = exampleLines();
    const dueIn = 12_000;
    const identified = new Date(Date.now() - 15 * 60_000 + dueIn);
    const declared = recordedAfter(lines, {
      type: 'declare-incident',
      actor: IC,
      at: new Date(identified.getTime() + 1000).toISOString(),
      id: 'INC-1',
      trigger: 'envelope-mismatch',
      severity: 'SEV-1',
      summary: 'non-2xx envelope shape mismatch in production',
      identifiedAt: identified.toISOString(),
    });
    const server = await serverWith([...lines, declared]);
    const page = await pageOf(`${server.url}${PAGE}`, { viewport: { width: 1280, height: 800 } });
    const first = page.locator('#now li.now-item').first();
    expect(await first.locator('.badge.s-pending').count()).toBe(1);
    const seq = await page.evaluate(() => document.body.dataset.seq);
    expect(await page.evaluate(() => document.body.dataset.nextChange)).toBeDefined();
    // The server draws the strip again once the deadline passed (the page's script asks for it).
    await page.waitForSelector('#now li.now-item:first-child .badge.s-overdue', { timeout: dueIn + 30_000 });
    expect(await page.evaluate(() => document.body.dataset.seq)).toBe(seq);
    expect(await first.locator('.what').textContent()).toMatch(/INC-1/);
    await page.context().close();
  }, 90_000);
});
