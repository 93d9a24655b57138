/**
 * The bearer token the CLI sends to a server: `$CUTOVER_TOKEN` when set; else, with
 * `CUTOVER_OIDC=github`, a fresh OpenID Connect token from the GitHub Actions runner; else the token
 * `cutover login` kept for that server in the user's cutover folder (`tokens.json`, mode 0600).
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidInput } from '../errors.js';
import { cutoverHome, type Environment } from './keyring.js';

export interface KeptToken {
  readonly token: string;
  readonly issuer: string;
  /** When the token expires (ISO), if it says. */
  readonly expiresAt: string | null;
}

interface TokenFile {
  readonly version: 1;
  readonly servers: Record<string, KeptToken>;
}

export function tokenFilePath(env: Environment): string {
  return join(cutoverHome(env), 'tokens.json');
}

/** Servers are keyed by origin: `http://127.0.0.1:8080/` and `http://127.0.0.1:8080` are one. */
function serverKey(server: string): string {
  return new URL(server).origin;
}

async function readTokens(env: Environment): Promise<TokenFile> {
  const text = await readFile(tokenFilePath(env), 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
  if (text === null) return { version: 1, servers: {} };
  try {
    const parsed = JSON.parse(text) as TokenFile;
    if (parsed.version === 1 && typeof parsed.servers === 'object' && parsed.servers !== null) return parsed;
  } catch {
    // reported below
  }
  throw invalidInput({ source: tokenFilePath(env), field: '', expected: 'the tokens cutover login keeps ({"version":1,"servers":{…}})', found: 'something else' }, ['remove the file and run cutover login again']);
}

/** Keep `kept` as the token for `server`: the folder 0700, the file 0600, replaced atomically. */
export async function keepToken(server: string, kept: KeptToken, env: Environment): Promise<string> {
  const file = tokenFilePath(env);
  const tokens = await readTokens(env);
  await mkdir(join(file, '..'), { recursive: true, mode: 0o700 });
  const next: TokenFile = { version: 1, servers: { ...tokens.servers, [serverKey(server)]: kept } };
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, JSON.stringify(next, null, 2) + '\n', { mode: 0o600 });
  await chmod(temp, 0o600);
  await rename(temp, file);
  return file;
}

/** The token `cutover login` kept for `server`, unless it has expired. */
export async function keptToken(server: string, env: Environment, now: Date): Promise<KeptToken | null> {
  const kept = (await readTokens(env)).servers[serverKey(server)];
  if (kept === undefined) return null;
  if (kept.expiresAt !== null && Date.parse(kept.expiresAt) <= now.getTime()) return null;
  return kept;
}

/** GitHub Actions: the runner's OIDC token for `audience` (the job needs `permissions: id-token: write`). */
export async function githubActionsToken(env: Environment, audience: string): Promise<string> {
  const url = env.ACTIONS_ID_TOKEN_REQUEST_URL;
  const bearer = env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  if (!url || !bearer) {
    throw invalidInput({ source: 'CUTOVER_OIDC', field: '', expected: 'ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN set by the GitHub Actions runner', found: 'neither is set' }, [
      'give the job permissions: id-token: write (the runner sets both then)',
    ]);
  }
  const request = new URL(url);
  request.searchParams.set('audience', audience);
  const response = await fetch(request, { headers: { authorization: `bearer ${bearer}`, accept: 'application/json' }, signal: AbortSignal.timeout(30_000) });
  const body = (await response.json().catch(() => ({}))) as { value?: unknown };
  if (!response.ok || typeof body.value !== 'string') {
    throw invalidInput({ source: 'ACTIONS_ID_TOKEN_REQUEST_URL', field: '', expected: 'a JSON answer {"value": "<token>"}', found: `HTTP ${response.status}` });
  }
  return body.value;
}

/** What the CLI sends to `server`: $CUTOVER_TOKEN, else the runner's token (CUTOVER_OIDC=github), else the login's. */
export async function bearerFor(server: string, env: Environment, now: Date): Promise<string | undefined> {
  if (env.CUTOVER_TOKEN) return env.CUTOVER_TOKEN;
  if (env.CUTOVER_OIDC === 'github') return githubActionsToken(env, env.CUTOVER_OIDC_AUDIENCE || serverKey(server));
  if (env.CUTOVER_OIDC !== undefined && env.CUTOVER_OIDC !== '') {
    throw invalidInput({ source: 'CUTOVER_OIDC', field: '', expected: '"github" (a GitHub Actions job asks its runner for a token)', found: JSON.stringify(env.CUTOVER_OIDC) });
  }
  return (await keptToken(server, env, now))?.token;
}
