/// <reference lib="dom" />
/**
 * The overview in Chromium follows every program on the page over ONE stream (issue 26 item 4): a
 * POST to any of 20 programs updates its row without a reload, and the "Live" indicator says the
 * page is not live when the stream endpoint is gone or the server stops, and recovers.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { useChromium } from '../support/browser.js';
import { definedWith } from '../support/identities.js';
import { blockerAfter, headOf, postLines, startServer, type RunningServer } from '../support/server.js';

const chromium = useChromium();
const running = chromium.servers;

async function serving(args: string[]): Promise<RunningServer> {
  const server = await startServer(args);
  running.push(server);
  return server;
}

/** `count` programs (the example's definition under ids program-01…), each its program.defined line. */
async function programsOn(server: RunningServer, count: number): Promise<Map<string, string[]>> {
  const programs = new Map<string, string[]>();
  for (let i = 1; i <= count; i++) {
    const id = `program-${String(i).padStart(2, '0')}`;
    const lines = [definedWith(id, { roles: {} })];
    expect((await postLines(server.url, id, null, lines)).status).toBe(201);
    programs.set(id, lines);
  }
  return programs;
}

async function overview(url: string): Promise<{ page: Page; streams: string[] }> {
  const page = await (await chromium.browser.newContext()).newPage();
  const streams: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/stream')) streams.push(r.url());
  });
  await page.goto(url);
  return { page, streams };
}

const liveState = (page: Page) => page.locator('#live-state').innerText();

describe('dashboard overview: one stream for every program on the page', () => {
  it('with 20 programs, a POST to any of them updates its row without a reload', async () => {
    const server = await serving(['--data', tempDir()]);
    const programs = await programsOn(server, 20);
    const { page, streams } = await overview(`${server.url}/`);
    await page.locator('#live-state', { hasText: 'Live: following 20 programs' }).waitFor();
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));

    for (const id of ['program-17', 'program-03']) {
      const lastEvent = page.locator(`tr[data-program="${id}"] td[data-label="Last event"]`);
      const before = await lastEvent.innerText();
      const lines = programs.get(id)!;
      expect((await postLines(server.url, id, headOf(lines), [blockerAfter(lines, 1)])).status).toBe(201);
      // The row now shows the program at seq 2, and its last event is the blocker's.
      await page.locator(`tr[data-program="${id}"][data-seq="2"]`).waitFor();
      await expect(lastEvent.innerText()).resolves.not.toBe(before);
    }
    // The other rows did not move.
    await expect(page.locator('tr[data-program][data-seq="1"]').count()).resolves.toBe(18);

    expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
    // One stream for the page, naming its 20 programs; no stream per row.
    expect(streams).toHaveLength(1);
    expect(new URL(streams[0]!).pathname).toBe('/v1/streams/heads');
    expect(new URL(streams[0]!).searchParams.get('programs')!.split(',')).toHaveLength(20);
    await expect(liveState(page)).resolves.toMatch(/^Live/);
  });

  it('says the page is not live while the stream endpoint is gone or the server is stopped, and recovers', async () => {
    const data = tempDir();
    const server = await serving(['--data', data]);
    await programsOn(server, 3);
    const page = await (await chromium.browser.newContext()).newPage();

    // The stream endpoint answers 404 (gone): never "Live".
    await page.route('**/v1/streams/heads**', (route) => route.fulfill({ status: 404, contentType: 'application/json', body: '{"error":{"kind":"input","code":"not-found","message":"gone","hint":null,"hints":[]}}' }));
    await page.goto(`${server.url}/`);
    await page.locator('#live-state', { hasText: 'Not live' }).waitFor();
    await expect(liveState(page)).resolves.not.toMatch(/^Live/);
    // The endpoint is back: the page tries again and is live.
    await page.unroute('**/v1/streams/heads**');
    await page.locator('#live-state', { hasText: 'Live: following 3 programs' }).waitFor({ timeout: 20_000 });

    // The server stops: the connection drops, and the page says so.
    const port = new URL(server.url).port;
    expect(await server.stop('SIGTERM')).toBe(0);
    await page.locator('#live-state', { hasText: 'Not live' }).waitFor();
    // The server is back on the same address: live again, with no reload.
    await serving(['--data', data, '--port', port]);
    await page.locator('#live-state', { hasText: 'Live: following 3 programs' }).waitFor({ timeout: 20_000 });
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
  });
});
