/**
 * People in the browser: dashboard sign-in at the server's first OpenID Connect issuer with the
 * authorization code flow and PKCE (`openid-client`), a session kept in this process behind an
 * HttpOnly, SameSite=Lax cookie (Secure when the public URL is https), and sign-out. A session's
 * claims are the ID token's and the userinfo's: the same claims a bearer token would carry, matched
 * against the program's identities by the same rules.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as client from 'openid-client';
import type { Claims } from '../../domain/identity.js';
import { UnauthorizedError } from '../../errors.js';

export interface BrowserSignInOptions {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  /** Where browsers reach the server: the callback is `<publicUrl>/auth/callback`. */
  readonly publicUrl: string;
  /** How long a session lasts (default 8 hours); signing in again starts a new one. */
  readonly sessionMs?: number;
}

const SESSION_COOKIE = 'cutover_session';
const SIGN_IN_COOKIE = 'cutover_sign_in';
/** A sign-in not completed in this time is forgotten. */
const PENDING_MS = 10 * 60 * 1000;

interface Pending {
  readonly verifier: string;
  readonly returnTo: string;
  readonly until: number;
}

interface Session {
  readonly claims: Claims;
  readonly until: number;
}

export class BrowserSignIn {
  private config: Promise<client.Configuration> | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly sessions = new Map<string, Session>();
  private readonly secure: boolean;
  private readonly callback: string;

  constructor(
    private readonly o: BrowserSignInOptions,
    private readonly now: () => Date,
  ) {
    const base = new URL(o.publicUrl);
    this.secure = base.protocol === 'https:';
    this.callback = new URL('/auth/callback', base).toString();
  }

  /** The signed-in person's claims, for a request carrying a live session cookie. */
  claimsOf(request: FastifyRequest): Claims | undefined {
    const id = cookieOf(request, SESSION_COOKIE);
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (session === undefined) return undefined;
    if (session.until <= this.now().getTime()) {
      this.sessions.delete(id!);
      return undefined;
    }
    return session.claims;
  }

  register(app: FastifyInstance): void {
    app.get('/auth/sign-in', async (request, reply) => {
      const asked = (request.query as { return?: unknown }).return;
      // Only a path on this server: never an open redirect.
      const returnTo = typeof asked === 'string' && /^\/(?!\/)[^\s\\]*$/.test(asked) ? asked : '/';
      const config = await this.configuration();
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      this.forgetExpired();
      this.pending.set(state, { verifier, returnTo, until: this.now().getTime() + PENDING_MS });
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: this.callback,
        scope: 'openid email profile',
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
      });
      // The state is bound to this browser too: a callback from another browser's sign-in is refused.
      return this.cookie(reply, SIGN_IN_COOKIE, state, PENDING_MS / 1000).redirect(url.toString(), 302);
    });

    app.get('/auth/callback', async (request, reply) => {
      const state = (request.query as { state?: unknown }).state;
      const pending = typeof state === 'string' ? this.pending.get(state) : undefined;
      if (typeof state !== 'string' || pending === undefined || pending.until <= this.now().getTime() || cookieOf(request, SIGN_IN_COOKIE) !== state) {
        throw new UnauthorizedError('this sign-in is unknown, expired or was started in another browser: sign in again from the dashboard', 'sign-in');
      }
      this.pending.delete(state);
      const config = await this.configuration();
      const current = new URL(request.url, this.callback);
      let claims: Claims;
      try {
        const tokens = await client.authorizationCodeGrant(config, current, { pkceCodeVerifier: pending.verifier, expectedState: state });
        const idClaims = tokens.claims();
        if (idClaims === undefined) throw new Error('no ID token');
        // Userinfo adds what the ID token leaves out (many providers put groups there); a provider whose
        // access token is for another audience answers it with a challenge, and the ID token stands alone.
        const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub).catch(() => ({}));
        claims = { ...info, ...idClaims };
      } catch (error) {
        throw new UnauthorizedError(`signing in at ${this.o.issuer} failed: ${(error as Error).message}`, 'sign-in');
      }
      const id = randomBytes(32).toString('base64url');
      const sessionMs = this.o.sessionMs ?? 8 * 60 * 60 * 1000;
      this.sessions.set(id, { claims, until: this.now().getTime() + sessionMs });
      this.cookie(reply, SIGN_IN_COOKIE, '', 0);
      return this.cookie(reply, SESSION_COOKIE, id, sessionMs / 1000).redirect(pending.returnTo, 303);
    });

    // The sign-out button posts an empty form: its media type is accepted here only, not by the API.
    void app.register(async (scope) => {
      scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, _body, done) => done(null, {}));
      scope.post('/auth/sign-out', async (request, reply) => {
        const id = cookieOf(request, SESSION_COOKIE);
        if (id !== undefined) this.sessions.delete(id);
        return this.cookie(reply, SESSION_COOKIE, '', 0).redirect('/', 303);
      });
    });
  }

  private configuration(): Promise<client.Configuration> {
    const insecure = new URL(this.o.issuer).protocol === 'http:'; // loopback only: checked at start
    this.config ??= client
      .discovery(new URL(this.o.issuer), this.o.clientId, this.o.clientSecret, this.o.clientSecret === undefined ? client.None() : undefined, insecure ? { execute: [client.allowInsecureRequests] } : {})
      .catch((error: unknown) => {
        this.config = undefined; // the issuer was unreachable: look again on the next sign-in
        throw new UnauthorizedError(`the issuer ${this.o.issuer} could not be reached for sign-in (${(error as Error).message})`, 'issuer-unreachable');
      });
    return this.config;
  }

  private forgetExpired(): void {
    const now = this.now().getTime();
    for (const [state, p] of this.pending) if (p.until <= now) this.pending.delete(state);
    for (const [id, s] of this.sessions) if (s.until <= now) this.sessions.delete(id);
  }

  private cookie(reply: FastifyReply, name: string, value: string, maxAgeSeconds: number): FastifyReply {
    const attributes = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${Math.floor(maxAgeSeconds)}`, ...(this.secure ? ['Secure'] : [])];
    return reply.header('set-cookie', [...setCookies(reply), attributes.join('; ')]);
  }
}

function setCookies(reply: FastifyReply): string[] {
  const existing = reply.getHeader('set-cookie');
  return existing === undefined ? [] : Array.isArray(existing) ? existing.map(String) : [String(existing)];
}

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}
