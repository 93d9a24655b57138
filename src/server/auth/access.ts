/**
 * Who is asking, and may they: each request's caller is found once (a static token, a verified
 * OpenID Connect token, a browser session, or no one), then reads, posts and creations are judged
 * against the server's static tokens and creators and the program's own identities. The rules of
 * who acts for a program live in the domain (`domain/identity.ts`); this module only applies them.
 */
import type { ReadAccess } from '../../domain/identity.js';
import type { FastifyRequest } from 'fastify';
import { claimsMatch, linesNotFor, mayReadWith, rolesOf, usesIdentities, type Claims, type PostedLine } from '../../domain/identity.js';
import { ForbiddenError, UnauthorizedError } from '../../errors.js';
import type { ProgramDefinition } from '../../program/schema.js';
import { OidcTokens } from './oidc-tokens.js';
import type { StaticTokens } from './static-tokens.js';

export type Caller =
  | { readonly kind: 'anonymous' }
  /** A bearer token the server does not check as a JWT: a static token (maybe a wrong one). */
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'identity'; readonly claims: Claims; readonly via: 'bearer' | 'session' }
  /** A bearer JWT that failed its checks: why. */
  | { readonly kind: 'refused'; readonly error: UnauthorizedError };

/** Who posted, as kept beside the lines (never inside the signed ledger). */
export interface Poster {
  readonly issuer: string | null;
  readonly subject: string | null;
  /** How the poster was known: an OpenID Connect token or session, a static token, or nothing. */
  readonly via: 'bearer' | 'session' | 'token' | 'anonymous';
}

export interface AccessOptions {
  readonly tokens: StaticTokens;
  readonly oidc: OidcTokens;
  /** `--creator`: each is a set of claim matchers (`iss` among them), all of which must hold. */
  readonly creators: readonly Readonly<Record<string, string>>[];
}

export class Access {
  private readonly callers = new WeakMap<FastifyRequest, Caller>();
  private readonly refusals = new WeakMap<FastifyRequest, string>();
  private sessions: ((request: FastifyRequest) => Claims | undefined) | undefined;

  constructor(private readonly o: AccessOptions) {}

  /** Browser sign-in supplies the claims of a request's session. */
  useSessions(claimsOf: (request: FastifyRequest) => Claims | undefined): void {
    this.sessions = claimsOf;
  }

  get creationNeedsCredential(): boolean {
    return this.o.tokens.hasCreationTokens || this.o.creators.length > 0;
  }

  /** Find the request's caller once (an onRequest hook): a bearer token wins over a session. */
  async identify(request: FastifyRequest): Promise<void> {
    const given = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    let caller: Caller = { kind: 'anonymous' };
    if (given !== undefined) {
      if (this.o.oidc.configured && OidcTokens.looksLikeJwt(given) && !this.o.tokens.knows(given)) {
        try {
          caller = { kind: 'identity', claims: await this.o.oidc.verify(given), via: 'bearer' };
        } catch (error) {
          if (!(error instanceof UnauthorizedError)) throw error;
          caller = { kind: 'refused', error };
        }
      } else caller = { kind: 'token', token: given };
    } else {
      const claims = this.sessions?.(request);
      if (claims !== undefined) caller = { kind: 'identity', claims, via: 'session' };
    }
    this.callers.set(request, caller);
  }

  callerOf(request: FastifyRequest): Caller {
    return this.callers.get(request) ?? { kind: 'anonymous' };
  }

  poster(request: FastifyRequest): Poster {
    const c = this.callerOf(request);
    if (c.kind === 'identity') return { issuer: String(c.claims.iss), subject: typeof c.claims.sub === 'string' ? c.claims.sub : null, via: c.via };
    return { issuer: null, subject: null, via: c.kind === 'token' ? 'token' : 'anonymous' };
  }

  /** Why the last refusal of this request was given (a metric label), if one was. */
  refusalReason(request: FastifyRequest): string | undefined {
    return this.refusals.get(request);
  }

  /**
   * Why the request may not read `program`, or null. `definition` undefined: the program is not
   * loaded yet, so only static tokens are judged and an identity passes (to be judged on the
   * definition once loaded); null: the program does not exist or could not be verified.
   */
  readRefusal(request: FastifyRequest, program: string, definition: ReadAccess | null | undefined): UnauthorizedError | ForbiddenError | null {
    const caller = this.callerOf(request);
    if (caller.kind === 'token' && this.o.tokens.opens(program, caller.token)) return null;
    // Not loaded yet: an identity may still be one the definition lists; it is judged again on it.
    if (definition === undefined && caller.kind === 'identity') return null;
    const identities = definition !== undefined && definition !== null && usesIdentities(definition);
    if (identities && caller.kind === 'identity' && mayReadWith(definition, caller.claims)) return null;
    if (!identities && !this.o.tokens.protects(program)) return null;
    const verb = request.method === 'GET' || request.method === 'HEAD' ? 'reading' : 'writing to';
    if (caller.kind === 'identity') {
      return this.refused(request, new ForbiddenError(`${describe(caller.claims)} is not a role, reader or relay of program ${program}: ${verb} it is refused`, 'read', [`ask the program's decision-log owner to list this identity in cutover.yaml (roles[].identities or readers)`]));
    }
    const why = this.unauthorized(caller, identities ? `${verb} program ${program} needs the token of one of its identities` : `${verb} program ${program} needs its bearer token`);
    return this.refused(request, why);
  }

  /** Why the request may not post these lines onto `current` (null: a new program), or null. */
  postRefusal(request: FastifyRequest, program: string, current: ProgramDefinition | null, lines: readonly string[]): UnauthorizedError | ForbiddenError | null {
    const caller = this.callerOf(request);
    if (caller.kind === 'token' && this.o.tokens.opens(program, caller.token)) return null;
    const claims = caller.kind === 'identity' ? caller.claims : null;
    const refused = linesNotFor(current, lines.map(postedLine), claims);
    if (refused.length === 0) return null;
    const first = refused[0]!;
    if (claims === null) return this.refused(request, this.unauthorized(caller, `posting to program ${program} needs the token of an identity of the role that signed each line (line ${first.index + 1} is signed by ${first.actor})`));
    const actsFor = first.roles.length === 0 ? 'no role' : `only ${first.roles.join(', ')}`;
    return this.refused(request, new ForbiddenError(`line ${first.index + 1} of the post is signed by ${first.actor}, but ${describe(claims)} acts for ${actsFor} of program ${program} and is not a relay; nothing was written`, 'post', [
      `post it with a token of an identity listed under ${first.actor} in cutover.yaml, or list this identity under relays`,
    ]));
  }

  /**
   * Why the request may not create `program` (post its first line), or null. `doing` names what was
   * asked, for another act that needs the same right (redelivering a dead letter of the program).
   */
  createRefusal(request: FastifyRequest, program: string, doing = `creating program ${program}`): UnauthorizedError | ForbiddenError | null {
    const caller = this.callerOf(request);
    if (caller.kind === 'token' && (this.o.tokens.opens(program, caller.token) || this.o.tokens.creates(caller.token))) return null;
    if (!this.o.tokens.protects(program)) {
      if (!this.creationNeedsCredential) return null;
      if (caller.kind === 'identity' && this.o.creators.some((c) => claimsMatch(c, caller.claims))) return null;
    }
    if (caller.kind === 'identity') {
      return this.refused(request, new ForbiddenError(`${describe(caller.claims)} is not a creator on this server: ${doing} is refused`, 'create', ['a creator is named at start: cutover serve --creator CLAIM=VALUE[,CLAIM=VALUE…]']));
    }
    return this.refused(request, this.unauthorized(caller, `${doing} on this server needs a creation token or a creator's token (or, for a protected id, its own token)`));
  }

  /** A refusal's roles for a person: which roles of `definition` the request's identity acts for. */
  rolesOf(request: FastifyRequest, definition: ProgramDefinition): string[] {
    const caller = this.callerOf(request);
    return caller.kind === 'identity' ? rolesOf(definition, caller.claims) : [];
  }

  private unauthorized(caller: Caller, message: string): UnauthorizedError {
    if (caller.kind === 'refused') return new UnauthorizedError(`${message}: ${caller.error.message}`, caller.error.reason);
    return new UnauthorizedError(message, caller.kind === 'token' ? 'unknown-token' : 'missing');
  }

  private refused<E extends UnauthorizedError | ForbiddenError>(request: FastifyRequest, error: E): E {
    this.refusals.set(request, error.reason);
    return error;
  }
}

/** An identity in a message: issuer and subject, never the token. */
function describe(claims: Claims): string {
  return `the identity ${String(claims.sub)} of ${String(claims.iss)}`;
}

/** What the identity check reads of a line not yet verified: anything unreadable is an unknown actor. */
function postedLine(line: string): PostedLine {
  try {
    const value = JSON.parse(line) as { type?: unknown; actor?: unknown; data?: unknown } | null;
    return { type: typeof value?.type === 'string' ? value.type : '', actor: typeof value?.actor === 'string' ? value.actor : '', data: value?.data };
  } catch {
    return { type: '', actor: '' };
  }
}
