/**
 * `cutover login`: a person signs in at the server's OpenID Connect issuer with the device
 * authorization grant (RFC 8628, `openid-client`): the CLI shows a URL and a code, the person
 * confirms in any browser, and the CLI keeps the ID token it receives for that server. Which issuer
 * and client: the server says (`GET /v1/auth/login`), unless given.
 */
import * as client from 'openid-client';
import { issuerUrlProblem } from '../domain/issuer-url.js';
import { invalidInput } from '../errors.js';
import type { KeptToken } from './server-tokens.js';

export interface LoginClient {
  readonly issuer: string;
  readonly clientId: string;
}

export interface DevicePrompt {
  readonly verificationUri: string;
  readonly verificationUriComplete: string | null;
  readonly userCode: string;
}

/** What the server advertises for `cutover login`. */
export async function loginClientOf(server: string): Promise<LoginClient> {
  const url = new URL('/v1/auth/login', server);
  const response = await fetch(url, { signal: AbortSignal.timeout(30_000) }).catch((error: Error) => {
    throw invalidInput({ source: '--server', field: '', expected: 'a cutover server that can be reached', found: `${server} (${error.message})` });
  });
  const body = (await response.json().catch(() => ({}))) as Partial<LoginClient>;
  if (!response.ok || typeof body.issuer !== 'string' || typeof body.clientId !== 'string') {
    throw invalidInput({ source: url.toString(), field: '', expected: 'the issuer and client id for cutover login (the server is started with --oidc-cli-client-id)', found: `HTTP ${response.status}` }, [
      'or name them: cutover login --server URL --issuer URL --client-id ID',
    ]);
  }
  return { issuer: body.issuer, clientId: body.clientId };
}

export async function deviceLogin(login: LoginClient, show: (prompt: DevicePrompt) => void): Promise<KeptToken> {
  const problem = issuerUrlProblem(login.issuer);
  if (problem !== null) throw invalidInput({ source: '--issuer', field: '', expected: 'an https:// issuer URL (plain http:// only on loopback)', found: `${JSON.stringify(login.issuer)} (${problem})` });
  const insecure = new URL(login.issuer).protocol === 'http:';
  const config = await client.discovery(new URL(login.issuer), login.clientId, undefined, client.None(), insecure ? { execute: [client.allowInsecureRequests] } : {});
  const started = await client.initiateDeviceAuthorization(config, { scope: 'openid email profile' });
  show({ verificationUri: started.verification_uri, verificationUriComplete: started.verification_uri_complete ?? null, userCode: started.user_code });
  const tokens = await client.pollDeviceAuthorizationGrant(config, started);
  const idToken = tokens.id_token;
  const claims = tokens.claims();
  if (idToken === undefined || claims === undefined) throw invalidInput({ source: login.issuer, field: 'id_token', expected: 'an ID token in the token response', found: 'none' });
  return { token: idToken, issuer: login.issuer, expiresAt: new Date(claims.exp * 1000).toISOString() };
}
