/**
 * Bearer JWTs from the OpenID Connect issuers a server trusts (`--oidc-issuer URL --oidc-audience
 * AUD`): each issuer's keys are found through its discovery document and JWKS, both fetched once and
 * cached (jose refetches the JWKS when a token names a key it does not hold, at most every 30 s), and
 * a token is accepted only with its signature, `iss`, `aud`, `exp` and `nbf` checked, with the clock
 * skew allowed. What a token may then do is decided by the domain (`domain/identity.ts`).
 */
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { Claims } from '../../domain/identity.js';
import { issuerUrlProblem } from '../../domain/issuer-url.js';
import { invalidInput, UnauthorizedError } from '../../errors.js';

export interface TrustedIssuer {
  readonly issuer: string;
  /** The audiences a token from this issuer must name one of. */
  readonly audiences: readonly string[];
}

/** Plain HTTP reaches an issuer only on loopback (tests, a provider on the same machine). */
export function checkIssuerUrl(issuer: string, source: string): URL {
  const problem = issuerUrlProblem(issuer);
  if (problem !== null) {
    throw invalidInput({ source, field: '', expected: 'an https:// issuer URL (plain http:// only on loopback: 127.0.0.1, ::1, localhost)', found: `${JSON.stringify(issuer)} (${problem})` });
  }
  return new URL(issuer);
}

export class OidcTokens {
  private readonly issuers = new Map<string, { audiences: readonly string[]; keys?: Promise<JWTVerifyGetKey> }>();

  constructor(
    trusted: readonly TrustedIssuer[],
    private readonly clockSkewSeconds: number,
    private readonly now: () => Date,
  ) {
    for (const t of trusted) this.issuers.set(t.issuer, { audiences: [...(this.issuers.get(t.issuer)?.audiences ?? []), ...t.audiences] });
  }

  get configured(): boolean {
    return this.issuers.size > 0;
  }

  get issuerCount(): number {
    return this.issuers.size;
  }

  /** Does this look like a JWT (three base64url parts)? Anything else is not checked as one. */
  static looksLikeJwt(token: string): boolean {
    return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
  }

  /** The token's claims once verified; else an UnauthorizedError saying why (never the token). */
  async verify(token: string): Promise<Claims> {
    let iss: unknown;
    try {
      iss = decodeJwt(token).iss;
    } catch {
      throw new UnauthorizedError('the bearer token is not a JWT this server can read', 'invalid');
    }
    const trusted = typeof iss === 'string' ? this.issuers.get(iss) : undefined;
    if (trusted === undefined || typeof iss !== 'string') {
      throw new UnauthorizedError(`the bearer token's issuer ${JSON.stringify(iss)} is not one this server trusts (${[...this.issuers.keys()].join(', ')})`, 'issuer');
    }
    let keys: JWTVerifyGetKey;
    try {
      trusted.keys ??= this.discover(iss);
      keys = await trusted.keys;
    } catch (error) {
      trusted.keys = undefined; // found nothing: look again on the next token, not never
      throw new UnauthorizedError(`the keys of issuer ${iss} could not be fetched (${(error as Error).message}); the token cannot be checked`, 'issuer-unreachable');
    }
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: iss,
        audience: [...trusted.audiences],
        clockTolerance: this.clockSkewSeconds,
        currentDate: this.now(),
        requiredClaims: ['exp', 'sub'],
      });
      return payload as Claims;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new UnauthorizedError(`the bearer token from ${iss} has expired`, 'expired');
      if (error instanceof errors.JWTClaimValidationFailed) {
        const reason = error.claim === 'aud' ? 'audience' : error.claim === 'nbf' ? 'not-yet-valid' : error.claim === 'iss' ? 'issuer' : 'claims';
        const what = error.claim === 'aud' ? `is not for this server (audience: expected one of ${trusted.audiences.join(', ')})` : `fails its ${error.claim} check (${error.reason})`;
        throw new UnauthorizedError(`the bearer token from ${iss} ${what}`, reason);
      }
      throw new UnauthorizedError(`the bearer token from ${iss} is not validly signed by its issuer (${(error as Error).message})`, 'invalid');
    }
  }

  private async discover(issuer: string): Promise<JWTVerifyGetKey> {
    const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`discovery document: ${response.status}`);
    const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
    if (document.issuer !== issuer) throw new Error(`the discovery document names issuer ${JSON.stringify(document.issuer)}`);
    if (typeof document.jwks_uri !== 'string') throw new Error('the discovery document has no jwks_uri');
    checkIssuerUrl(document.jwks_uri, 'jwks_uri');
    return createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: 10_000 });
  }
}
