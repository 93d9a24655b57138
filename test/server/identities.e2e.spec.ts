// Who may read, write and create (issue 24): bearer JWTs from a real OpenID provider on loopback,
// checked by `cutover serve` against the program's identities and the server's creators, on both
// stores. Every refusal writes nothing, is counted in /metrics and logged without the token.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cutover, cutoverAsync, tempDir } from '../support/cli.js';
import { definedWith, LOG_OWNER, post, RELEASE_OWNER, request, RUNTIME_OWNER } from '../support/identities.js';
import { CI_AUDIENCE, startProvider, type RunningProvider } from '../support/oidc.js';
import { freshDatabase } from '../support/postgres.js';
import { blockerAfter, metricOf, startServer, type RunningServer } from '../support/server.js';

const A = 'memorykernel-service-v3';
const B = 'other-service-v1';

let provider: RunningProvider;
let stranger: RunningProvider;
beforeAll(async () => {
  [provider, stranger] = [await startProvider(), await startProvider()];
});
afterAll(async () => {
  await provider.stop();
  await stranger.stop();
});
const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop('SIGKILL');
});

/** Program A: the log owner is the platform's main-branch job, the release owner its feature-branch job, the sync job relays. */
const programA = () =>
  definedWith(A, {
    roles: {
      [LOG_OWNER]: [{ issuer: provider.issuer, claims: { repository: 'acme/platform', ref: 'refs/heads/main' } }],
      [RELEASE_OWNER]: [{ issuer: provider.issuer, claims: { repository: 'acme/platform', ref: 'refs/heads/feature' } }],
      [RUNTIME_OWNER]: [{ issuer: provider.issuer, claims: { groups: 'assistsupport-runtime' } }],
    },
    relays: [{ issuer: provider.issuer, claims: { repository: 'acme/cutover-sync', environment: 'production' } }],
  });
/** Program B: acme/other's job acts for its log owner. */
const programB = () => definedWith(B, { roles: { [LOG_OWNER]: [{ issuer: provider.issuer, claims: { repository: 'acme/other' } }] } });

const backends = [
  ['folder', async () => ['--data', tempDir()]],
  ['postgres', async () => ['--database', await freshDatabase()]],
] as const;

describe.each(backends)('%s: identities', (_name, backend) => {
  async function serving(...extra: string[]): Promise<RunningServer> {
    const server = await startServer([...(await backend()), '--oidc-issuer', provider.issuer, '--oidc-audience', CI_AUDIENCE, '--log-level', 'warn', ...extra]);
    running.push(server);
    return server;
  }

  it('reads: none without a token (401), another program\'s role gets 403, the program\'s own roles and relays read', async () => {
    const server = await serving();
    const [a, b] = [programA(), programB()];
    expect((await post(server.url, A, null, [a], await provider.ciToken('platform-main'))).status).toBe(201);
    expect((await post(server.url, B, null, [b], await provider.ciToken('other-repo'))).status).toBe(201);

    const anonymous = await request(`${server.url}/v1/programs/${A}/events`, undefined);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    const otherRole = await request(`${server.url}/v1/programs/${A}/status`, await provider.ciToken('other-repo'));
    expect(otherRole.status).toBe(403);
    expect(JSON.parse(otherRole.text).error).toMatchObject({ code: 'forbidden', message: expect.stringContaining('other-repo') });
    expect((await request(`${server.url}/v1/programs/${B}/events`, await provider.ciToken('other-repo'))).text).toBe(b + '\n');
    expect((await request(`${server.url}/v1/programs/${A}/events`, await provider.ciToken('platform-feature'))).text).toBe(a + '\n');
    expect((await request(`${server.url}/v1/programs/${A}/events`, await provider.ciToken('sync-job'))).status).toBe(200);
    // The list shows each caller only what it may read.
    const listed = async (token?: string) => (JSON.parse((await request(`${server.url}/v1/programs`, token)).text) as { programs: { id: string }[] }).programs.map((p) => p.id);
    expect(await listed()).toEqual([]);
    expect(await listed(await provider.ciToken('other-repo'))).toEqual([B]);

    const metrics = (await request(`${server.url}/metrics`, undefined)).text;
    expect(metricOf(metrics, 'cutover_auth_refusals_total{route="/v1/programs/:id/events",status="401",reason="missing"}')).toBe(1);
    expect(metricOf(metrics, 'cutover_auth_refusals_total{route="/v1/programs/:id/status",status="403",reason="read"}')).toBe(1);
    // Logged with issuer, subject and route; never the token.
    expect(server.log()).toContain('"subject":"other-repo"');
    expect(server.log()).toContain(`"issuer":"${provider.issuer}"`);
    expect(server.log()).toContain('"route":"/v1/programs/:id/status"');
    expect(server.log()).not.toMatch(/eyJ[\w-]+\.eyJ/);
  });

  it('an expired token, a wrong audience and a wrong issuer are each refused (401), and write nothing', async () => {
    const server = await serving();
    const a = programA();
    expect((await post(server.url, A, null, [a], await provider.ciToken('platform-main'))).status).toBe(201);
    const line = blockerAfter([a], 1);
    const now = Math.floor(Date.now() / 1000);
    const expired = await provider.forged({ sub: 'platform-main', aud: CI_AUDIENCE, repository: 'acme/platform', ref: 'refs/heads/main', iat: now - 7200, exp: now - 3600 });
    const tokens: [string, string, RegExp][] = [
      ['expired', expired, /has expired/],
      ['audience', await provider.ciToken('platform-main', 'https://elsewhere.test'), /is not for this server \(audience/],
      ['issuer', await stranger.ciToken('platform-main'), /is not one this server trusts/],
    ];
    for (const [reason, token, message] of tokens) {
      const read = await request(`${server.url}/v1/programs/${A}/events`, token);
      expect(read.status, reason).toBe(401);
      const written = await post(server.url, A, JSON.parse(a).hash, [line], token);
      expect(written.status, reason).toBe(401);
      expect(written.body.error?.message, reason).toMatch(message);
      const metrics = (await request(`${server.url}/metrics`, undefined)).text;
      expect(metricOf(metrics, `cutover_auth_refusals_total{route="/v1/programs/:id/events",status="401",reason="${reason}"}`), reason).toBe(2);
    }
    expect((await request(`${server.url}/v1/programs/${A}/events`, await provider.ciToken('platform-main'))).text).toBe(a + '\n');
  });

  it("a line is posted only with a token of the role that signed it, or a relay's; the event page shows who posted it", async () => {
    const server = await serving();
    const a = programA();
    expect((await post(server.url, A, null, [a], await provider.ciToken('platform-main'))).status).toBe(201);
    const line = blockerAfter([a], 1); // signed by the log owner
    const head = JSON.parse(a).hash as string;
    const wrongRole = await post(server.url, A, head, [line], await provider.ciToken('platform-feature'));
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.error?.message).toContain(`signed by ${LOG_OWNER}, but the identity platform-feature of ${provider.issuer} acts for only ${RELEASE_OWNER}`);
    expect((await post(server.url, A, head, [line])).status).toBe(401);
    const owner = await provider.ciToken('platform-main');
    expect((await request(`${server.url}/v1/programs/${A}/events`, owner)).text).toBe(a + '\n');

    expect((await post(server.url, A, head, [line], await provider.ciToken('sync-job'))).status).toBe(201);
    const next = blockerAfter([a, line], 2);
    expect((await post(server.url, A, JSON.parse(line).hash, [next], owner)).status).toBe(201);

    const page = async (seq: number) => (await request(`${server.url}/programs/${A}/events/${seq}`, owner)).text;
    expect(await page(2)).toMatch(/Posted by<\/dt><dd><code>sync-job<\/code> of <code>http:\/\/127\.0\.0\.1:\d+<\/code>/);
    expect(await page(3)).toMatch(/Posted by<\/dt><dd><code>platform-main<\/code>/);
    // Kept beside the ledger: the lines are exactly as signed.
    expect((await request(`${server.url}/v1/programs/${A}/events`, owner)).text).toBe([a, line, next].join('\n') + '\n');
  });

  it('creating a program needs a creator: the creator\'s token creates, any other token or none is refused and nothing is stored', async () => {
    const server = await serving('--creator', 'repository=acme/platform,ref=refs/heads/main');
    const a = programA();
    const notCreator = await post(server.url, A, null, [a], await provider.ciToken('platform-feature'));
    expect(notCreator.status).toBe(403);
    expect(notCreator.body.error?.message).toContain('is not a creator on this server');
    expect((await post(server.url, A, null, [a])).status).toBe(401);
    expect((await post(server.url, A, null, [a], 'not-a-jwt')).status).toBe(401);
    const owner = await provider.ciToken('platform-main');
    expect((await request(`${server.url}/v1/programs/${A}/events`, owner)).status).toBe(404);
    expect((await post(server.url, A, null, [a], owner)).status).toBe(201);
    expect((await post(server.url, B, null, [programB()], await provider.ciToken('other-repo'))).status).toBe(403);
    expect((await request(`${server.url}/v1/programs/${B}/events`, owner)).status).toBe(404);
  });

  it("a program protected by a static token as well is read with that token or with one of its identities' tokens", async () => {
    const server = await serving('--token', `${A}=static-secret`);
    const a = programA();
    expect((await post(server.url, A, null, [a], 'static-secret')).status).toBe(201);
    expect((await request(`${server.url}/v1/programs/${A}/events`, 'static-secret')).text).toBe(a + '\n');
    expect((await request(`${server.url}/v1/programs/${A}/events`, await provider.ciToken('platform-feature'))).text).toBe(a + '\n');
    expect((await request(`${server.url}/v1/programs/${A}/events`, undefined)).status).toBe(401);
    expect((await request(`${server.url}/v1/programs/${A}/events`, await provider.ciToken('other-repo'))).status).toBe(403);
  });

  it('in GitHub Actions, CUTOVER_OIDC=github asks the runner for a token for the server\'s audience, and the CLI reads with it', async () => {
    const server = await serving();
    const a = programA();
    expect((await post(server.url, A, null, [a], await provider.ciToken('platform-main'))).status).toBe(201);
    // The runner's token endpoint, as GitHub Actions gives it to a job with id-token: write.
    const asked: string[] = [];
    const runner = createServer((req, res) => {
      const url = new URL(req.url!, 'http://runner');
      asked.push(`${req.headers.authorization} ${url.searchParams.get('audience')}`);
      if (req.headers.authorization !== 'bearer runner-request-token') return void res.writeHead(401).end();
      void provider.ciToken('platform-main', url.searchParams.get('audience')!).then((value) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value })));
    });
    await new Promise<void>((resolve) => runner.listen(0, '127.0.0.1', resolve));
    try {
      const env = {
        CUTOVER_OIDC: 'github',
        CUTOVER_OIDC_AUDIENCE: CI_AUDIENCE,
        ACTIONS_ID_TOKEN_REQUEST_URL: `http://127.0.0.1:${(runner.address() as AddressInfo).port}/token?api-version=2.0`,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'runner-request-token',
      };
      const read = await cutoverAsync(['--server', server.url, '--program', A, 'log'], { env });
      expect(read.code, read.stderr).toBe(0);
      expect(read.stdout).toContain('program.defined');
      expect(asked).toEqual([`bearer runner-request-token ${CI_AUDIENCE}`]);
      const without = await cutoverAsync(['--server', server.url, '--program', A, 'log'], { env: { CUTOVER_OIDC: 'github' } });
      expect(without.code).toBe(2);
      expect(without.stderr).toContain('id-token: write');
    } finally {
      runner.close();
    }
  });
});

describe('serve refuses to start with', () => {
  it('a creator without iss when two issuers are trusted, and a plain-HTTP issuer beyond loopback', () => {
    const twoIssuers = cutover(['serve', '--port', '0', '--data', tempDir(), '--oidc-issuer', 'https://a.example', '--oidc-audience', 'x', '--oidc-issuer', 'https://b.example', '--oidc-audience', 'x', '--creator', 'repository=acme/platform']);
    expect(twoIssuers.code).toBe(2);
    expect(twoIssuers.stderr).toContain('iss=ISSUER among the claims');
    const plain = cutover(['serve', '--port', '0', '--data', tempDir(), '--oidc-issuer', 'http://sso.acme.example', '--oidc-audience', 'x']);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('plain http:// beyond loopback');
  });
});
