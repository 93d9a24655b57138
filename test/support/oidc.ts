/**
 * A real OpenID provider (`oidc-provider`) on loopback for the identity tests: GitHub-Actions-shaped
 * CI tokens (client credentials, with a job's `repository`, `ref`, `environment`, `job_workflow_ref`
 * claims), people who sign in through the provider's own login pages (any login is an account; its
 * email and groups come from ACCOUNTS), the device authorization grant for `cutover login`, and the
 * authorization code flow with PKCE for the dashboard. Nothing leaves the machine.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import Provider from 'oidc-provider';

/** The audience CI tokens are issued for (what `--oidc-audience` names on the server). */
export const CI_AUDIENCE = 'https://cutover.test';
/** The CLI's public client (device authorization grant); people's ID tokens name it as audience. */
export const CLI_CLIENT = 'cutover-cli';
export const DASHBOARD_CLIENT = 'cutover-dashboard';
export const DASHBOARD_SECRET = 'dashboard-secret-for-tests';

/** People the provider knows: login → claims. */
export const ACCOUNTS: Record<string, { email: string; groups: string[] }> = {
  alice: { email: 'alice@acme.example', groups: ['memorykernel-release'] },
  bob: { email: 'bob@acme.example', groups: ['assistsupport-runtime'] },
  carol: { email: 'carol@acme.example', groups: ['auditors'] },
};

/** CI jobs: client id → the claims of its tokens (as GitHub Actions' token would carry). */
export const JOBS: Record<string, Record<string, string>> = {
  'platform-main': { repository: 'acme/platform', ref: 'refs/heads/main', environment: 'production', job_workflow_ref: 'acme/platform/.github/workflows/cutover.yml@refs/heads/main' },
  'platform-feature': { repository: 'acme/platform', ref: 'refs/heads/feature', environment: 'preview', job_workflow_ref: 'acme/platform/.github/workflows/cutover.yml@refs/heads/feature' },
  'sync-job': { repository: 'acme/cutover-sync', ref: 'refs/heads/main', environment: 'production', job_workflow_ref: 'acme/cutover-sync/.github/workflows/sync.yml@refs/heads/main' },
  'other-repo': { repository: 'acme/other', ref: 'refs/heads/main', environment: 'production', job_workflow_ref: 'acme/other/.github/workflows/ci.yml@refs/heads/main' },
};
const JOB_SECRET = 'job-secret';

export interface RunningProvider {
  readonly issuer: string;
  /** A CI job's token from the provider (client credentials), for `audience`. */
  ciToken(job: string, audience?: string): Promise<string>;
  /** A token signed with the provider's own key, with claims of the test's choosing (an expired one, say). */
  forged(claims: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

/** Start a provider on a free loopback port; `dashboardCallback`: the server's /auth/callback. */
export async function startProvider(dashboardCallback = 'http://127.0.0.1:1/auth/callback'): Promise<RunningProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  const http: Server = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    jwks: { keys: [jwk] },
    cookies: { keys: ['provider-cookie-key-for-tests'] },
    clients: [
      ...Object.keys(JOBS).map((id) => ({ client_id: id, client_secret: JOB_SECRET, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] })),
      { client_id: CLI_CLIENT, token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], redirect_uris: [], response_types: [] },
      { client_id: DASHBOARD_CLIENT, client_secret: DASHBOARD_SECRET, grant_types: ['authorization_code'], response_types: ['code'], redirect_uris: [dashboardCallback] },
    ],
    async findAccount(_ctx: unknown, id: string) {
      const account = ACCOUNTS[id] ?? { email: `${id}@elsewhere.example`, groups: [] };
      return { accountId: id, claims: async () => ({ sub: id, email: account.email, email_verified: true, groups: account.groups, name: id }) };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // People's ID tokens carry their claims (as many providers' do), so `cutover login` can send one.
    conformIdTokenClaims: false,
    features: {
      devInteractions: { enabled: true },
      clientCredentials: { enabled: true },
      deviceFlow: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // CI jobs get tokens for the server; people's access tokens stay the provider's own (for userinfo).
        defaultResource: (_ctx: unknown, client: { clientId: string }) => (JOBS[client.clientId] === undefined ? undefined : CI_AUDIENCE),
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({ scope: 'cutover', audience: resource, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    async extraTokenClaims(_ctx: unknown, token: { kind: string; clientId?: string }) {
      // Client credentials stand for a CI job: its claims are those of GitHub Actions' token.
      return token.kind === 'ClientCredentials' && token.clientId !== undefined ? JOBS[token.clientId] : undefined;
    },
  });
  http.on('request', provider.callback());
  return {
    issuer,
    async ciToken(job, audience = CI_AUDIENCE) {
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${job}:${JOB_SECRET}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'cutover', resource: audience }),
      });
      const body = (await response.json()) as { access_token?: string };
      if (body.access_token === undefined) throw new Error(`the provider gave no token: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    async forged(claims) {
      return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'test-key' }).setIssuer(issuer).sign(privateKey);
    },
    async stop() {
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
