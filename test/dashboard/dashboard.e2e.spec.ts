/// <reference lib="dom" />
/**
 * The dashboard in a real browser: `cutover serve --data <folder>` with the example ledger copied
 * in, and Debian's Chromium driven by playwright-core. Screenshots go to a temporary folder, or to
 * docs/ with CUTOVER_SCREENSHOTS=docs (the README shows those).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { EXAMPLE, ROOT, tempDir } from '../support/cli.js';
import { axeViolations, useChromium } from '../support/browser.js';
import { EXAMPLE_PROGRAM, exampleLines, headOf, postLines, recordedAfter, startServer, type RunningServer } from '../support/server.js';

const chromium = useChromium();
const running = chromium.servers;

/** A server over a folder holding the example program's ledger, as `cutover serve --data` reads it. */
async function exampleServer(): Promise<RunningServer> {
  const data = tempDir();
  copyFileSync(join(EXAMPLE, '.cutover/ledger.jsonl'), join(data, `${EXAMPLE_PROGRAM}.jsonl`));
  const server = await startServer(['--data', data]);
  running.push(server);
  return server;
}

async function pageOf(url: string, options: BrowserContextOptions = {}): Promise<Page> {
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const page = await context.newPage();
  await page.goto(url);
  return page;
}

const screenshots = process.env.CUTOVER_SCREENSHOTS === 'docs' ? join(ROOT, 'docs') : null;
function screenshotPath(name: string): string {
  return join(screenshots ?? tempDir(), name);
}

/** A minute ago, as the ledger writes times: after the example's last event, never ahead of the server's clock. */
function minutesAgo(minutes: number): string {
  return new Date(Date.now() - minutes * 60_000).toISOString();
}

const PROGRAM_PAGE = `/programs/${EXAMPLE_PROGRAM}`;
const INJECTION = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> & "quotes"';

describe('dashboard: cutover serve in a browser', () => {
  it("shows the example program's four blockers and the matrix cells each corresponds to", async () => {
    const server = await exampleServer();
    const overview = await pageOf(`${server.url}/`);
    const row = overview.locator(`tr[data-program="${EXAMPLE_PROGRAM}"]`);
    await expect(row.locator('td[data-label="Blockers"]').textContent()).resolves.toBe('4');
    await expect(row.locator('td[data-label="Decisions"]').innerText()).resolves.toMatch(/Runtime cutover execution: ✖ NO-GO/);
    // Whose move is the now list's (issue 25): each party with the roles that must act, most urgent first.
    await expect(row.locator('td[data-label="Whose move"]').textContent()).resolves.toMatch(/^MemoryKernel \([a-z-]+(, [a-z-]+)*\); AssistSupport( \([a-z-]+(, [a-z-]+)*\))?$/);
    await expect(row.locator('td[data-label="Most urgent"]').textContent()).resolves.toMatch(/waiting on|owed by|incident commander/);
    await overview.screenshot({ path: screenshotPath('dashboard-overview.png'), fullPage: true });

    const page = await pageOf(`${server.url}${PROGRAM_PAGE}`);
    const gates = await page.locator('#blockers li.blocker').evaluateAll((items) => items.map((i) => (i as HTMLElement).dataset.gate));
    expect(gates).toEqual(['target-published', 'bilateral-go', 'runtime-evidence', 'rollback-evidence']);
    const cells = await page.locator('#matrix td.cell').evaluateAll((tds) =>
      tds.map((td) => ({ party: (td.closest('tr') as HTMLElement).dataset.party, gate: (td as HTMLElement).dataset.gate, status: (td as HTMLElement).dataset.status })),
    );
    const unmet = (gate: string) => cells.filter((c) => c.gate === gate && c.status !== 'met' && c.status !== 'not-required').map((c) => `${c.party}:${c.status}`);
    expect(unmet('target-published')).toEqual(['memorykernel:missing']);
    expect(unmet('bilateral-go')).toEqual(['memorykernel:failed', 'assistsupport:failed']);
    expect(unmet('runtime-evidence')).toEqual(['memorykernel:missing', 'assistsupport:missing']);
    expect(unmet('rollback-evidence')).toEqual(['memorykernel:missing', 'assistsupport:missing']);
    expect(unmet('no-blocking-incident')).toEqual([]);
    // Each blocker's "what exactly" names the parties whose cells are unmet.
    for (const gate of gates) {
      const waiting = await page.locator(`#blocker-${gate} dd`).nth(2).textContent();
      for (const cell of unmet(gate!)) expect(waiting).toContain(cell.startsWith('memorykernel') ? 'MemoryKernel' : 'AssistSupport');
    }
    // A NO-GO cell links to the verdict event, which shows who signed it.
    await page.locator('#matrix tr[data-party="memorykernel"] td[data-gate="bilateral-go"] a').click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Seq 5: verdict.cast');
    await expect(page.locator('dl.facts').first().innerText()).resolves.toMatch(/MemoryKernel Release Owner/);

    await page.goto(`${server.url}${PROGRAM_PAGE}`);
    await page.screenshot({ path: screenshotPath('dashboard-program.png'), fullPage: true });
  });

  it('reads the same with JavaScript off: the server renders the state', async () => {
    const server = await exampleServer();
    const page = await pageOf(`${server.url}${PROGRAM_PAGE}`, { javaScriptEnabled: false });
    await expect(page.locator('#blockers li.blocker').count()).resolves.toBe(4);
    await expect(page.locator('#decision-runtime-cutover h3').innerText()).resolves.toMatch(/NO-GO/);
    // Without the script, times stay in UTC and the copy buttons stay hidden.
    await expect(page.locator('#decisions time').first().textContent()).resolves.toMatch(/UTC$/);
    await expect(page.locator('button.copy:visible').count()).resolves.toBe(0);
    // The timeline filter is a plain form: by party, then by type.
    await page.selectOption('select[name="party"]', 'assistsupport');
    await page.click('form.filters button[type="submit"]');
    expect(await page.locator('#timeline tbody tr').evaluateAll((rows) => rows.map((r) => `${(r as HTMLElement).dataset.party} ${r.id}`))).toEqual(['assistsupport event-6', 'assistsupport event-4']);
    await page.goto(`${page.url().split('?')[0]}?type=phase.started`);
    expect(await page.locator('#timeline tbody tr').evaluateAll((rows) => rows.map((r) => r.id))).toEqual(['event-2']);
  });

  it('shows a verdict posted through the API on an open page, with no reload, its note as text', async () => {
    const server = await exampleServer();
    const page = await pageOf(`${server.url}${PROGRAM_PAGE}`);
    await page.locator('#live-state', { hasText: 'Live' }).waitFor();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const mine = page.locator('#decision-rehearsal-continuation tr[data-party="memorykernel"] td.verdict');
    await expect(mine.innerText()).resolves.toMatch(/^✔ GO/);

    const lines = exampleLines();
    const line = recordedAfter(lines, { type: 'cast-verdict', actor: 'memorykernel-release-owner', at: minutesAgo(1), decision: 'rehearsal-continuation', verdict: 'NO-GO', note: INJECTION });
    const posted = Date.now();
    expect((await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [line])).status).toBe(201);
    await page.waitForFunction(() => /NO-GO/.test(document.querySelector('#decision-rehearsal-continuation tr[data-party="memorykernel"] td.verdict')?.textContent ?? ''), undefined, { timeout: 20_000 });
    console.log(`dashboard: the posted verdict showed on the open page ${Date.now() - posted} ms after the POST`);

    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    await expect(mine.locator('.note').textContent()).resolves.toBe(INJECTION);
    await expect(page.locator('#timeline tr#event-8 td[data-label="Event"]').textContent()).resolves.toContain(INJECTION);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    await expect(page.locator('img[src="x"]').count()).resolves.toBe(0);
    const served = await (await fetch(`${server.url}${PROGRAM_PAGE}`)).text();
    expect(served).not.toContain('<img src=x');
    expect(served).toContain('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;');
  });

  it('shows an overdue incident deadline, counting, and puts the program first on the overview', async () => {
    const server = await exampleServer();
    const lines = exampleLines();
    const declared = recordedAfter(lines, {
      type: 'declare-incident',
      actor: 'memorykernel-incident-commander',
      at: minutesAgo(19),
      trigger: 'envelope-mismatch',
      severity: 'SEV-1',
      summary: 'non-2xx envelope shape mismatch in production',
      identifiedAt: minutesAgo(20),
    });
    expect((await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [declared])).status).toBe(201);

    const page = await pageOf(`${server.url}${PROGRAM_PAGE}`);
    const notice = page.locator('#incidents tr[data-deadline="initial-notice"]');
    await expect(notice.getAttribute('class')).resolves.toContain('d-overdue');
    await expect(notice.locator('td[data-label="State"]').innerText()).resolves.toMatch(/overdue/);
    const countdown = notice.locator('.countdown');
    const first = await countdown.textContent();
    expect(first).toMatch(/^overdue by 5m \d+s$/);
    await page.waitForFunction((before) => document.querySelector('#incidents tr[data-deadline="initial-notice"] .countdown')?.textContent !== before, first, { timeout: 10_000 });
    await expect(page.locator('#incidents tr[data-deadline="rollback-recommendation"] .countdown').textContent()).resolves.toMatch(/^due in 9m \d+s$/);
    await expect(page.locator('#matrix td[data-gate="no-blocking-incident"][data-status="failed"]').count()).resolves.toBe(1);

    const overview = await pageOf(`${server.url}/`);
    await expect(overview.locator('tbody tr').first().getAttribute('data-urgency')).resolves.toBe('overdue');
  });

  it('fits a 390 px phone with no horizontal scroll, and 1280 px', async () => {
    const server = await exampleServer();
    const lines = exampleLines();
    const line = recordedAfter(lines, { type: 'cast-verdict', actor: 'memorykernel-release-owner', at: minutesAgo(1), decision: 'rehearsal-continuation', verdict: 'GO', note: 'x'.repeat(300) });
    await postLines(server.url, EXAMPLE_PROGRAM, headOf(lines), [line]);
    for (const width of [390, 1280]) {
      for (const path of ['/', PROGRAM_PAGE, `${PROGRAM_PAGE}/events/1`]) {
        const page = await pageOf(`${server.url}${path}`, { viewport: { width, height: 844 } });
        await page.locator('details.record').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
        const [scroll, client] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
        expect({ width, path, scroll }).toEqual({ width, path, scroll: client });
        if (width === 390 && path === PROGRAM_PAGE) await page.screenshot({ path: screenshotPath('dashboard-phone.png'), fullPage: false });
      }
    }
  });

  it('has no serious or critical axe-core violations, light and dark', async () => {
    const server = await exampleServer();
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const path of ['/', PROGRAM_PAGE, `${PROGRAM_PAGE}/events/5`]) {
        const page = await pageOf(`${server.url}${path}`, { colorScheme, bypassCSP: true });
        await page.locator('details.record').evaluateAll((all) => all.forEach((d) => ((d as HTMLDetailsElement).open = true)));
        const serious = (await axeViolations(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
        expect({ colorScheme, path, serious }).toEqual({ colorScheme, path, serious: [] });
      }
    }
  });
});
