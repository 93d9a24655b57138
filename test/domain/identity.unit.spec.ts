/**
 * Identities in a program: which roles a token's claims act for, who may read, and which lines of a
 * posted batch an identity may not post (each judged under the definition in force at it).
 */
import { describe, expect, it } from 'vitest';
import { claimsMatch, identityMatches, linesNotFor, mayReadWith, rolesOf, usesIdentities } from '../../src/domain/identity.js';
import type { ProgramDefinition } from '../../src/program/schema.js';
import { programFixture, ROLE } from '../support/program.js';

const GITHUB = 'https://token.actions.githubusercontent.com';
const SSO = 'https://sso.acme.example';
const platformMain = { issuer: GITHUB, claims: { repository: 'acme/platform', ref: 'refs/heads/main' } };
const releaseGroup = { issuer: SSO, claims: { groups: 'memorykernel-release' } };

function withIdentities(): ProgramDefinition {
  const def = programFixture().definition;
  return {
    ...def,
    roles: def.roles.map((r) => (r.id === ROLE.producerApprover ? { ...r, identities: [releaseGroup] } : r.id === ROLE.logOwner ? { ...r, identities: [{ issuer: SSO, claims: { email: 'owner@acme.example' } }] } : r)),
    readers: [{ issuer: SSO, claims: { groups: 'auditors' } }],
    relays: [platformMain],
  };
}

const ci = (claims: Record<string, unknown> = {}) => ({ iss: GITHUB, sub: 'repo:acme/platform:ref:refs/heads/main', repository: 'acme/platform', ref: 'refs/heads/main', environment: 'production', ...claims });
const person = (claims: Record<string, unknown>) => ({ iss: SSO, sub: 'u-1', ...claims });

describe('claims matching', () => {
  it('a claim equals the value; a list claim contains it; every matcher must hold', () => {
    expect(claimsMatch({ repository: 'acme/platform' }, ci())).toBe(true);
    expect(claimsMatch({ repository: 'acme/platform', ref: 'refs/heads/dev' }, ci())).toBe(false);
    expect(claimsMatch({ groups: 'ops' }, person({ groups: ['dev', 'ops'] }))).toBe(true);
    expect(claimsMatch({ groups: 'op' }, person({ groups: ['dev', 'ops'] }))).toBe(false);
    expect(claimsMatch({ email_verified: 'true' }, person({ email_verified: true }))).toBe(true);
    expect(claimsMatch({ address: '[object Object]' }, person({ address: {} }))).toBe(false);
    expect(claimsMatch({ missing: 'x' }, person({}))).toBe(false);
  });

  it('the issuer must be the identity\'s own: the same claims from another issuer do not match', () => {
    expect(identityMatches(platformMain, ci())).toBe(true);
    expect(identityMatches(platformMain, { ...ci(), iss: 'https://evil.example' })).toBe(false);
  });
});

describe('who acts for the program', () => {
  const def = withIdentities();

  it('a program with no identities uses none; one with a role, reader or relay does', () => {
    expect(usesIdentities(programFixture().definition)).toBe(false);
    expect(usesIdentities(def)).toBe(true);
    expect(usesIdentities({ ...programFixture().definition, readers: [releaseGroup] })).toBe(true);
  });

  it('roles, readers and relays read; anyone else does not', () => {
    expect(rolesOf(def, person({ groups: ['memorykernel-release'] }))).toEqual([ROLE.producerApprover]);
    expect(mayReadWith(def, person({ groups: ['memorykernel-release'] }))).toBe(true);
    expect(mayReadWith(def, person({ groups: ['auditors'] }))).toBe(true);
    expect(mayReadWith(def, ci())).toBe(true);
    expect(mayReadWith(def, ci({ repository: 'acme/other' }))).toBe(false);
    expect(mayReadWith(def, person({ groups: ['everyone'] }))).toBe(false);
  });
});

describe('the lines an identity may post', () => {
  const def = withIdentities();
  const line = (actor: string) => ({ type: 'blocker.raised', actor, data: {} });

  it('each line needs an identity of the role that signed it', () => {
    const approver = person({ groups: ['memorykernel-release'] });
    expect(linesNotFor(def, [line(ROLE.producerApprover)], approver)).toEqual([]);
    expect(linesNotFor(def, [line(ROLE.producerApprover), line(ROLE.consumerApprover)], approver)).toEqual([{ index: 1, actor: ROLE.consumerApprover, roles: [ROLE.producerApprover] }]);
    expect(linesNotFor(def, [line(ROLE.producerApprover)], null)).toEqual([{ index: 0, actor: ROLE.producerApprover, roles: [] }]);
  });

  it('a relay posts lines any role signed; a reader posts none', () => {
    expect(linesNotFor(def, [line(ROLE.producerApprover), line(ROLE.consumerApprover)], ci())).toEqual([]);
    expect(linesNotFor(def, [line(ROLE.producerApprover)], person({ groups: ['auditors'] }))).toHaveLength(1);
  });

  it('a program without identities, and a new program whose definition lists none, need no identity', () => {
    const plain = programFixture().definition;
    expect(linesNotFor(plain, [line(ROLE.producerApprover)], null)).toEqual([]);
    expect(linesNotFor(null, [{ type: 'program.defined', actor: ROLE.logOwner, data: { definition: plain } }, line(ROLE.consumerApprover)], null)).toEqual([]);
  });

  it('a new program is judged under the definition it carries, and an amendment governs the lines after it', () => {
    const defined = { type: 'program.defined', actor: ROLE.logOwner, data: { definition: def } };
    expect(linesNotFor(null, [defined], ci())).toEqual([]);
    expect(linesNotFor(null, [defined], person({ groups: ['auditors'] }))).toEqual([{ index: 0, actor: ROLE.logOwner, roles: [] }]);
    const opened = { type: 'program.amended', actor: ROLE.logOwner, data: { definition: programFixture().definition } };
    const owner = person({ email: 'owner@acme.example' });
    // The amendment is the owner's to post; the lines after it are judged under the definition it brings (no identities).
    expect(linesNotFor(def, [opened, line(ROLE.consumerApprover)], owner)).toEqual([]);
    expect(linesNotFor(def, [line(ROLE.consumerApprover), opened], owner)).toEqual([{ index: 0, actor: ROLE.consumerApprover, roles: [ROLE.logOwner] }]);
  });

  it('a malformed definition in a posted line is left to admission (which refuses it), not read', () => {
    expect(() => linesNotFor(null, [{ type: 'program.defined', actor: 'x', data: { definition: { roles: 'no' } } }], null)).not.toThrow();
    expect(() => linesNotFor(def, [{ type: 'program.amended', actor: 'x', data: { definition: { roles: [{ identities: [1] }] } } }], null)).not.toThrow();
  });
});
