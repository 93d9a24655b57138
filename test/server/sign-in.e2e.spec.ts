// People (issue 24): a person signs in to the dashboard in Chromium through the provider's own login
// pages (authorization code + PKCE) and sees only the programs they may read; `cutover login`
// completes the device authorization grant against the provider, and the CLI then reads with the
// token it kept (mode 0600). On both stores.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../support/browser.js';
import { BIN, cutover, ROOT, tempDir } from '../support/cli.js';
import { definedWith, LOG_OWNER, post, RELEASE_OWNER } from '../support/identities.js';
import { ACCOUNTS, CI_AUDIENCE, CLI_CLIENT, DASHBOARD_CLIENT, DASHBOARD_SECRET, startProvider, type RunningProvider } from '../support/oidc.js';
import { freshDatabase } from '../support/postgres.js';
import { startServer, type RunningServer } from '../support/server.js';

const A = 'memorykernel-service-v3';
const B = 'other-service-v1';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Through the provider's own pages: its login form (any password), then each confirmation, until it hands back. */
async function signInAtProvider(page: Page, login: string, done: (page: Page) => boolean): Promise<void> {
  for (let step = 0; step < 10 && !done(page); step++) {
    const form = page.locator('input[name="login"]');
    if ((await form.count()) > 0) {
      await form.fill(login);
      await page.locator('input[name="password"]').fill('any');
    }
    const submit = page.locator('button[type="submit"]').first();
    if ((await submit.count()) === 0) break;
    await Promise.all([page.waitForLoadState('load'), submit.click()]);
    await page.waitForLoadState('load');
  }
}

let provider: RunningProvider;
let browser: Browser;
let port: number;
beforeAll(async () => {
  port = await freePort();
  provider = await startProvider(`http://127.0.0.1:${port}/auth/callback`);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await provider?.stop();
});
const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

const backends = [
  ['folder', async () => ['--data', tempDir()]],
  ['postgres', async () => ['--database', await freshDatabase()]],
] as const;

describe.each(backends)('%s: people', (_name, backend) => {
  async function serving(): Promise<RunningServer> {
    const server = await startServer([
      ...(await backend()),
      '--port', String(port),
      '--oidc-issuer', provider.issuer, '--oidc-audience', CI_AUDIENCE,
      '--oidc-issuer', provider.issuer, '--oidc-audience', CLI_CLIENT,
      '--oidc-client-id', DASHBOARD_CLIENT, '--oidc-client-secret', DASHBOARD_SECRET, '--public-url', `http://127.0.0.1:${port}`,
      '--oidc-cli-client-id', CLI_CLIENT,
    ]);
    running.push(server);
    // A: the platform's main job is its log owner, the memorykernel-release group its release owner. B: no person's.
    const a = definedWith(A, {
      roles: {
        [LOG_OWNER]: [{ issuer: provider.issuer, claims: { repository: 'acme/platform', ref: 'refs/heads/main' } }],
        [RELEASE_OWNER]: [{ issuer: provider.issuer, claims: { groups: 'memorykernel-release' } }],
      },
    });
    const b = definedWith(B, { roles: { [LOG_OWNER]: [{ issuer: provider.issuer, claims: { repository: 'acme/other' } }] } });
    expect((await post(server.url, A, null, [a], await provider.ciToken('platform-main'))).status).toBe(201);
    expect((await post(server.url, B, null, [b], await provider.ciToken('other-repo'))).status).toBe(201);
    return server;
  }

  it('a person signs in through the provider and sees only the programs they may read; sign-out forgets them', async () => {
    const server = await serving();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    expect(await page.locator('tr[data-program]').count()).toBe(0);
    await Promise.all([page.waitForLoadState('load'), page.getByRole('link', { name: 'Sign in' }).click()]);
    expect(page.url()).toContain(provider.issuer);
    await signInAtProvider(page, 'alice', (p) => p.url().startsWith(server.url));
    await page.waitForURL(`${server.url}/`).catch(async () => expect.fail(`signing in ended at ${page.url()}: ${await page.textContent('body')}`));
    expect(await page.locator('form.account').textContent()).toContain(ACCOUNTS.alice!.email);
    expect(await page.locator('tr[data-program]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-program')))).toEqual([A]);
    expect((await page.goto(`${server.url}/programs/${A}`))!.status()).toBe(200);
    expect((await page.goto(`${server.url}/programs/${B}`))!.status()).toBe(403);

    const cookie = (await context.cookies()).find((c) => c.name === 'cutover_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false });

    await page.goto(`${server.url}/`);
    await Promise.all([page.waitForResponse((r) => r.url() === `${server.url}/auth/sign-out`), page.getByRole('button', { name: 'Sign out' }).click()]);
    await page.waitForLoadState('load');
    expect((await context.cookies()).find((c) => c.name === 'cutover_session')).toBeUndefined();
    expect(await page.locator('tr[data-program]').count()).toBe(0);
    expect((await page.goto(`${server.url}/programs/${A}`))!.status()).toBe(403);
    await context.close();
  });

  it('cutover login completes the device grant against the provider; the CLI then reads with the kept token', async () => {
    const server = await serving();
    const home = tempDir();
    const env = { PATH: process.env.PATH ?? '', CUTOVER_HOME: home };
    const child = spawn(process.execPath, [BIN, 'login', '--server', server.url], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        const found = /open (\S+)/.exec(stderr);
        if (found !== null) resolve(found[1]!);
      });
      void exited.then((code) => reject(new Error(`cutover login exited ${code}: ${stderr}`)));
    });
    expect(url.startsWith(provider.issuer)).toBe(true);
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await signInAtProvider(page, 'alice', () => child.exitCode !== null);
    expect(await exited).toBe(0);
    await context.close();
    expect(stdout).toContain(`signed in to ${server.url}`);
    const file = join(home, 'tokens.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const read = cutover(['--server', server.url, '--program', A, 'log'], { env });
    expect(read.code, read.stderr).toBe(0);
    expect(read.stdout).toContain('program.defined');
    const refused = cutover(['--server', server.url, '--program', B, 'log'], { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('403');
    // CUTOVER_TOKEN still wins over the kept token.
    const withStatic = cutover(['--server', server.url, '--program', A, 'log'], { env: { ...env, CUTOVER_TOKEN: 'not-a-known-token' } });
    expect(withStatic.code).toBe(2);
    expect(withStatic.stderr).toContain('401');
  });
});
