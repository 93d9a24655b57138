import { describe, expect, it } from 'vitest';
import type { EventDraft, LedgerEvent } from '../../src/domain/events.js';
import { LedgerVerificationError, type LedgerFault } from '../../src/errors.js';
import { canonicalJson, sha256Hex } from '../../src/ledger/canonical.js';
import { seal, serialize } from '../../src/ledger/chain.js';
import { generateKeyPair, signerFromPem, type Signer } from '../../src/ledger/keys.js';
import { tornLineError, verifyLedger } from '../../src/ledger/verify.js';
import { C, FILE, P, ROLE, Scenario } from '../support/program.js';

function story(): Scenario {
  const s = new Scenario();
  s.phase('start', '7');
  s.verdict(P, 'rehearsal-continuation', 'GO');
  s.verdict(C, 'rehearsal-continuation', 'GO');
  s.verdict(P, 'runtime-cutover', 'NO-GO', 'target not published');
  s.phase('close', '7', 'decision recorded');
  return s;
}

const linesOf = (events: readonly LedgerEvent[]) => events.map(serialize);

const PHASE_8: EventDraft = { type: 'phase.started', actor: ROLE.logOwner, data: { phase: '8' } };

function verdictBy(actor: string, verdict: 'GO' | 'NO-GO'): EventDraft {
  return { type: 'verdict.cast', actor, data: { decision: 'runtime-cutover', party: P, verdict, target: null } };
}

/** The scenario's lines plus one event appended behind the policy's back, signed by `signer`. */
function withForged(s: Scenario, draft: EventDraft, signer: Signer, at = '2026-12-01T00:00:00.000Z'): string[] {
  const forged = seal(draft, { program: 'memorykernel-service-v3', seq: s.state.seq + 1, at, prev: s.state.head }, signer);
  return [...linesOf(s.events), serialize(forged)];
}

function faultOf(lines: readonly string[]): { fault: LedgerFault; line: number; seq: number | null; message: string } {
  try {
    verifyLedger({ source: 'ledger.jsonl', lines });
  } catch (e) {
    if (e instanceof LedgerVerificationError) return { fault: e.fault, line: e.line, seq: e.seq, message: e.message };
    throw e;
  }
  throw new Error('expected verification to fail');
}

/** Re-hash an edited event so only its signature (and later links) can give it away. */
function rehash(event: Record<string, unknown>): string {
  const { hash: _old, ...rest } = event;
  return canonicalJson({ ...rest, hash: `sha256:${sha256Hex(canonicalJson(rest))}` });
}

describe('verify', () => {
  it('accepts a ledger written through decide, and folds the same state', () => {
    const s = story();
    const { events, state } = verifyLedger({ source: 'ledger.jsonl', lines: linesOf(s.events) });
    expect(events).toHaveLength(6);
    expect(state).toEqual(s.state);
  });

  it('names an edited line whose hash no longer matches', () => {
    const lines = linesOf(story().events);
    lines[3] = lines[3]!.replace('"GO"', '"NO-GO"');
    expect(faultOf(lines)).toMatchObject({ fault: 'edited', line: 4, seq: 4 });
  });

  it('names a line edited and re-hashed by someone without the key: bad signature', () => {
    const lines = linesOf(story().events);
    lines[3] = rehash({ ...JSON.parse(lines[3]!), data: { ...JSON.parse(lines[3]!).data, verdict: 'NO-GO' } });
    expect(faultOf(lines)).toMatchObject({ fault: 'bad-signature', line: 4 });
  });

  it('names a removed line', () => {
    const lines = linesOf(story().events);
    lines.splice(2, 1);
    const f = faultOf(lines);
    expect(f).toMatchObject({ fault: 'removed', line: 3, seq: 4 });
    expect(f.message).toContain('seq 3 was removed');
  });

  it('names reordered lines', () => {
    const lines = linesOf(story().events);
    [lines[2], lines[3]] = [lines[3]!, lines[2]!];
    expect(faultOf(lines)).toMatchObject({ fault: 'reordered', line: 3 });
  });

  it('names two lines with the same seq on the same head as a fork inside the file, not a reordering', () => {
    const s = story();
    const head = s.events[s.events.length - 1]!;
    const other = seal(verdictBy(ROLE.producerApprover, 'NO-GO'), { program: 'memorykernel-service-v3', seq: head.seq + 1, at: '2026-12-01T00:00:00.000Z', prev: head.hash }, s.fixture.signers[ROLE.producerApprover]!);
    s.verdict(P, 'runtime-cutover', 'NO-GO', 'still not published');
    const f = faultOf([...linesOf(s.events), serialize(other)]);
    expect(f).toMatchObject({ fault: 'forked', line: s.events.length + 1, seq: head.seq + 1 });
    expect(f.message).toContain(`seq ${head.seq + 1} appears twice on the same head`);
  });

  it('names a duplicated line', () => {
    const lines = linesOf(story().events);
    lines.splice(3, 0, lines[2]!);
    expect(faultOf(lines)).toMatchObject({ fault: 'duplicated', line: 4 });
  });

  it('names a line that is not canonical JSON, even when it means the same', () => {
    const lines = linesOf(story().events);
    lines[1] = JSON.stringify(JSON.parse(lines[1]!), null, 1).replace(/\n/g, '');
    expect(faultOf(lines)).toMatchObject({ fault: 'not-canonical', line: 2 });
  });

  it("names an event signed with another role's key: key not allowed for that role", () => {
    const s = story();
    // The consumer's approver signs an event that claims to be the producer's approver's verdict.
    const f = faultOf(withForged(s, verdictBy(ROLE.producerApprover, 'GO'), s.fixture.signers[ROLE.consumerApprover]!));
    expect(f).toMatchObject({ fault: 'key-not-allowed', line: 7 });
    expect(f.message).toContain(ROLE.consumerApprover);
  });

  it('names an event signed with a key no role holds', () => {
    const s = story();
    const stranger = signerFromPem(generateKeyPair().privateKeyPem);
    expect(faultOf(withForged(s, PHASE_8, stranger))).toMatchObject({ fault: 'unknown-key', line: 7 });
  });

  it('names an event its role may not record, even when correctly signed', () => {
    const s = story();
    // The incident commander signs, with its own key, a verdict: only approvers may.
    expect(faultOf(withForged(s, verdictBy(ROLE.producerIc, 'GO'), s.fixture.signers[ROLE.producerIc]!))).toMatchObject({ fault: 'not-allowed', line: 7 });
  });

  it('names an event dated before its predecessor', () => {
    const s = story();
    expect(faultOf(withForged(s, PHASE_8, s.fixture.signers[ROLE.logOwner]!, '2000-01-01T00:00:00.000Z'))).toMatchObject({ fault: 'time-order', line: 7 });
  });

  it('checks each event against the keys in force at its point: a key removed by an amendment stops working', () => {
    const s = story();
    const def = s.state.definition!;
    const rotated = generateKeyPair();
    const amended = { ...def, roles: def.roles.map((r) => (r.id === ROLE.producerApprover ? { ...r, keys: [rotated.publicKey] } : r)) };
    s.record({ type: 'amend-program', actor: ROLE.logOwner, definition: amended, digest: `sha256:${sha256Hex(canonicalJson(amended))}`, fileDigest: FILE, reason: 'rotate key' });
    // Before the amendment the old key was good; after it, only the new one is.
    const noGo = verdictBy(ROLE.producerApprover, 'NO-GO');
    expect(faultOf(withForged(s, noGo, s.fixture.signers[ROLE.producerApprover]!))).toMatchObject({ fault: 'unknown-key', line: 8 });
    expect(verifyLedger({ source: 'l', lines: withForged(s, noGo, signerFromPem(rotated.privateKeyPem)) }).events).toHaveLength(8);
  });

  it('reports a torn last line, after verifying every complete line before it', () => {
    const s = story();
    const verified = verifyLedger({ source: 'ledger.jsonl', lines: linesOf(s.events), torn: { line: 7, bytes: 40, keepBytes: 1234 } });
    expect(verified.events).toHaveLength(6);
    expect(verified.state).toEqual(s.state);
    expect(verified.torn).toEqual({ line: 7, bytes: 40, keepBytes: 1234 });
    const error = tornLineError('ledger.jsonl', verified.torn!, 'nothing was appended');
    expect(error).toMatchObject({ fault: 'torn', line: 7, kind: 'ledger' });
    expect(error.message).toContain('the 6 events before it verify');
    expect(error.hints[0]).toContain('truncate -s 1234 ledger.jsonl');
  });
});
