/**
 * Identities are part of the signed definition: `verify` refuses a hand-signed amendment whose
 * identities are malformed (no claim to match, an issuer that is not a URL) and admits a sound one.
 */
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../src/domain/events.js';
import { digestOf } from '../../src/ledger/canonical.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { LedgerVerificationError } from '../../src/errors.js';
import type { ProgramDefinition } from '../../src/program/schema.js';
import { given, startPhase, type Given } from '../support/decider-spec.js';
import { ROLE } from '../support/program.js';

const LATER = '2027-01-01T00:00:00.000Z';

function amendedWith(g: Given, edit: (def: ProgramDefinition) => unknown): string[] {
  const definition = edit(structuredClone(g.fixture.definition)) as ProgramDefinition;
  const draft = { type: 'program.amended', actor: ROLE.logOwner, data: { definition, digest: digestOf(definition), file: `sha256:${'0'.repeat(64)}`, reason: 'who may act' } } as EventDraft;
  const event = seal(draft, { program: 'memorykernel-service-v3', seq: g.state.seq + 1, at: LATER, prev: g.state.head }, g.fixture.signers[ROLE.logOwner]!);
  return [...g.events, event].map(serialize);
}

const withRoleIdentity = (identity: unknown) => (def: ProgramDefinition) => ({ ...def, roles: def.roles.map((r, i) => (i === 0 ? { ...r, identities: [identity] } : r)) });

describe('verify and the identities of a definition', () => {
  it.each([
    ['an identity with no claim to match (it would match everyone the issuer knows)', withRoleIdentity({ issuer: 'https://sso.acme.example', claims: {} })],
    ['an issuer that is not a URL', withRoleIdentity({ issuer: 'acme sso', claims: { email: 'a@acme.example' } })],
    ['a reader with a claim matcher that is not text', (def: ProgramDefinition) => ({ ...def, readers: [{ issuer: 'https://sso.acme.example', claims: { groups: ['a'] } }] })],
    ['a relay with an unknown field', (def: ProgramDefinition) => ({ ...def, relays: [{ issuer: 'https://token.actions.githubusercontent.com', claims: { repository: 'acme/platform' }, role: 'any' }] })],
  ])('refuses a hand-signed amendment with %s', (_name, edit) => {
    const g = given(startPhase('7'));
    let refused: unknown;
    try {
      verifyLedger({ source: 'ledger.jsonl', lines: amendedWith(g, edit) });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(LedgerVerificationError);
    expect((refused as LedgerVerificationError).seq).toBe(g.state.seq + 1);
  });

  it('admits an amendment naming roles, readers and relays by issuer and claims', () => {
    const g = given(startPhase('7'));
    const lines = amendedWith(g, (def) => ({
      ...withRoleIdentity({ issuer: 'https://sso.acme.example', claims: { groups: 'release' } })(def),
      readers: [{ issuer: 'https://sso.acme.example', claims: { groups: 'auditors' } }],
      relays: [{ issuer: 'https://token.actions.githubusercontent.com', claims: { repository: 'acme/platform', ref: 'refs/heads/main' } }],
    }));
    expect(verifyLedger({ source: 'l', lines }).state.definition?.relays).toHaveLength(1);
  });
});
