/**
 * Who may act for a program on a server: OpenID Connect identities matched against the roles,
 * readers and relays its definition lists. Pure: the claims come from a token the server already
 * verified; this module only says whether they match.
 */
import type { IdentityDefinition, ProgramDefinition } from '../program/schema.js';

/** The parts of a definition who may read a program is judged on (a program's summary carries them too). */
export interface ReadAccess {
  readonly readers?: readonly IdentityDefinition[];
  readonly relays?: readonly IdentityDefinition[];
  readonly roles: readonly { readonly id: string; readonly identities?: readonly IdentityDefinition[] }[];
}

export function readAccessOf(def: ProgramDefinition): ReadAccess {
  return { readers: def.readers ?? [], relays: def.relays ?? [], roles: def.roles.map((r) => ({ id: r.id, identities: r.identities ?? [] })) };
}

/** A verified token's claims (`iss`, `sub`, and whatever else the issuer put in it). */
export type Claims = Readonly<Record<string, unknown>>;

/**
 * Every matcher holds: the claim equals the value, or a list claim (such as `groups`) contains it.
 * A number or boolean claim is compared as its text (`email_verified: "true"`); anything else never matches.
 */
export function claimsMatch(matchers: Readonly<Record<string, string>>, claims: Claims): boolean {
  return Object.entries(matchers).every(([name, value]) => {
    const claim = claims[name];
    if (Array.isArray(claim)) return claim.some((item) => scalarText(item) === value);
    return scalarText(claim) === value;
  });
}

function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

export function identityMatches(identity: IdentityDefinition, claims: Claims): boolean {
  return claims.iss === identity.issuer && claimsMatch(identity.claims, claims);
}

const anyMatches = (identities: readonly IdentityDefinition[] | undefined, claims: Claims) => (identities ?? []).some((i) => identityMatches(i, claims));

/** Does the program list any identity? One that lists none keeps a server's behaviour without identities. */
export function usesIdentities(def: ReadAccess): boolean {
  return (def.readers ?? []).length > 0 || (def.relays ?? []).length > 0 || def.roles.some((r) => (r.identities ?? []).length > 0);
}

/** The roles whose identities these claims match. */
export function rolesOf(def: ReadAccess, claims: Claims): string[] {
  return def.roles.filter((r) => anyMatches(r.identities, claims)).map((r) => r.id);
}

export function isRelay(def: ReadAccess, claims: Claims): boolean {
  return anyMatches(def.relays, claims);
}

/** May these claims read the program: a role's identity, a reader, or a relay (which reads the head it pushes onto). */
export function mayReadWith(def: ReadAccess, claims: Claims): boolean {
  return anyMatches(def.readers, claims) || isRelay(def, claims) || rolesOf(def, claims).length > 0;
}

/** What of a posted line the identity check needs. */
export interface PostedLine {
  readonly type: string;
  readonly actor: string;
  readonly data?: unknown;
}

export interface LineNotForIdentity {
  /** Index of the line in the batch (0-based). */
  readonly index: number;
  readonly actor: string;
  /** The roles these claims do act for, under the definition in force at that line. */
  readonly roles: readonly string[];
}

/**
 * The lines of a batch the claims may not post: each line is judged under the definition in force
 * at it (the program's before the batch, then each `program.defined` or `program.amended` in the
 * batch, a `program.defined` under its own), and needs an identity of the role that signed it or a
 * relay, unless that definition lists no identities at all. `claims` null: no identity was given.
 */
export function linesNotFor(current: ProgramDefinition | null, lines: readonly PostedLine[], claims: Claims | null): LineNotForIdentity[] {
  const refused: LineNotForIdentity[] = [];
  let def = current;
  lines.forEach((line, index) => {
    const carried = line.type === 'program.defined' || line.type === 'program.amended' ? carriedDefinition(line.data) : undefined;
    const judgedUnder = line.type === 'program.defined' && carried !== undefined ? carried : def;
    if (judgedUnder !== null && usesIdentities(judgedUnder)) {
      const roles = claims === null ? [] : rolesOf(judgedUnder, claims);
      if (!roles.includes(line.actor) && !(claims !== null && isRelay(judgedUnder, claims))) refused.push({ index, actor: line.actor, roles });
    }
    if (carried !== undefined) def = carried;
  });
  return refused;
}

/**
 * The definition a posted line carries, when it has the shape the identity check reads. The line is
 * not verified yet (admission refuses a malformed one after this check); this only keeps the check
 * from reading a field that is not there.
 */
function carriedDefinition(data: unknown): ProgramDefinition | undefined {
  const def = (data as { definition?: unknown } | null | undefined)?.definition as Partial<ProgramDefinition> | undefined;
  if (typeof def !== 'object' || def === null || !Array.isArray(def.roles)) return undefined;
  const lists = [def.readers, def.relays, ...def.roles.map((r) => (typeof r === 'object' && r !== null ? r.identities : [])) ];
  return lists.every((l) => l === undefined || (Array.isArray(l) && l.every((i) => typeof i === 'object' && i !== null && typeof i.claims === 'object' && i.claims !== null)))
    ? (def as ProgramDefinition)
    : undefined;
}
