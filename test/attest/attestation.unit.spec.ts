/**
 * What an attestation says, judged from the ledger alone (src/domain/attestation.ts), and the DSSE
 * encoding it is signed over (src/attest/dsse.ts), as given histories and their answers.
 */
import { describe, expect, it } from 'vitest';
import { attestedSubjects, blockersAt, decisionOf, firstNoGoAfter, goBasis, partiesWithoutSigner, subjectDifferences } from '../../src/domain/attestation.js';
import { envelopeFrom, keyIdOf, preAuthEncoding } from '../../src/attest/dsse.js';
import { InvalidInputError } from '../../src/errors.js';
import { AFTER_GO, evidence, given, publishTarget, READY_FOR_GO, verdict } from '../support/decider-spec.js';
import { C, P, ROLE, SHA_A, SHA_B } from '../support/program.js';

const REPIN = 'e5'.repeat(20); // the repin commit of the fixtures (repinFacts)
const TAG_OBJECT = 'd4'.repeat(20); // the annotated tag object of VERIFIED

describe('attested subjects', () => {
  it('are the target commit, its annotated tag object and the consumer\'s repin commit', () => {
    const g = given(...READY_FOR_GO);
    expect(attestedSubjects(g.state)).toEqual({
      ok: true,
      subjects: [
        { name: `${P}@${SHA_A}`, digest: { gitCommit: SHA_A } },
        { name: `${P}@v3.0.0`, digest: { gitTag: TAG_OBJECT } },
        { name: `${C}@${REPIN}`, digest: { gitCommit: REPIN } },
      ],
    });
  });

  it('leave out the tag object of a lightweight tag', () => {
    const g = given(publishTarget('v3.0.0', SHA_A, { ok: true, facts: { annotated: false, tagObject: null }, problems: [] }));
    expect(attestedSubjects(g.state)).toEqual({ ok: true, subjects: [{ name: `${P}@${SHA_A}`, digest: { gitCommit: SHA_A } }] });
  });

  it('do not exist before a target is published', () => {
    expect(attestedSubjects(given().state)).toEqual({ ok: false, reason: expect.stringContaining('no runtime target is published') });
  });

  it('differ when one is not a commit the decision approves, naming it and the one missing', () => {
    const expected = [{ name: `${C}@${REPIN}`, digest: { gitCommit: REPIN } }];
    expect(subjectDifferences(expected, expected)).toEqual([]);
    expect(subjectDifferences(expected, [{ name: `${C}@${SHA_B}`, digest: { gitCommit: SHA_B } }])).toEqual([
      `subject ${C}@${SHA_B} (gitCommit ${SHA_B}) is not a commit the decision approves`,
      `subject ${C}@${REPIN} (gitCommit ${REPIN}) is missing`,
    ]);
    // The same digest under another kind is another subject.
    expect(subjectDifferences(expected, [{ name: `${C}@${REPIN}`, digest: { gitTag: REPIN } }])).toHaveLength(2);
  });
});

describe('the GO an attestation rests on', () => {
  it('is both GO verdicts and the evidence the decision\'s gates accept, by seq', () => {
    const g = given(...AFTER_GO);
    const decision = decisionOf(g.state.definition!, 'runtime-cutover')!;
    const basis = goBasis(g.state, decision);
    expect(basis.verdicts.map((seq) => g.events[seq - 1]!.type)).toEqual(['verdict.cast', 'verdict.cast']);
    expect(basis.verdicts.map((seq) => g.events[seq - 1]!.actor)).toEqual([ROLE.producerApprover, ROLE.consumerApprover]);
    expect(basis.evidence.map((seq) => (g.events[seq - 1]!.data as { kind: string }).kind).sort()).toEqual(['handoff-payload', 'repin', 'rollback-execution', 'rollback-execution']);
  });

  it('stops at the first event after which the decision is NO-GO: a new target', () => {
    const go = given(...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO'));
    const decision = decisionOf(go.state.definition!, 'runtime-cutover')!;
    expect(blockersAt(go.state, decision, new Date(go.state.lastAt!))).toEqual([]);
    const later = go.and(evidence(P, 'verification-run'), publishTarget('v3.0.1', SHA_B));
    const stopped = firstNoGoAfter(go.state, later.events.slice(go.state.seq), 'runtime-cutover');
    expect(stopped).toMatchObject({ seq: go.state.seq + 2, type: 'target.published' });
    expect(stopped!.blockers.length).toBeGreaterThan(0);
    expect(firstNoGoAfter(go.state, later.events.slice(go.state.seq, go.state.seq + 1), 'runtime-cutover')).toBeNull();
  });

  it('stops at a NO-GO verdict', () => {
    const go = given(...READY_FOR_GO, verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO'));
    const later = go.and(verdict(C, 'runtime-cutover', 'NO-GO'));
    expect(firstNoGoAfter(go.state, later.events.slice(go.state.seq), 'runtime-cutover')).toMatchObject({ seq: later.state.seq, type: 'verdict.cast' });
  });
});

describe('signers', () => {
  it('cover a party only by a role of that party; a joint role covers none', () => {
    const def = given().state.definition!;
    expect(partiesWithoutSigner(def, [ROLE.producerApprover, ROLE.consumerApprover])).toEqual([]);
    expect(partiesWithoutSigner(def, [ROLE.producerApprover])).toEqual([C]);
    expect(partiesWithoutSigner(def, [ROLE.logOwner])).toEqual([P, C]);
  });
});

describe('DSSE', () => {
  it('encodes PAE as the spec\'s example does', () => {
    // secure-systems-lab/dsse protocol.md: PAE("http://example.com/HelloWorld", "hello world").
    expect(preAuthEncoding('http://example.com/HelloWorld', Buffer.from('hello world')).toString()).toBe('DSSEv1 29 http://example.com/HelloWorld 11 hello world');
    // Lengths are of the bytes, not the characters.
    expect(preAuthEncoding('t', Buffer.from('é')).toString()).toBe('DSSEv1 1 t 2 é');
  });

  it('names a key by the sha256 of its raw 32 bytes', () => {
    expect(keyIdOf(`ed25519:${Buffer.alloc(32).toString('base64')}`)).toBe('66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925');
  });

  it('reads URL-safe base64 as standard base64, as DSSE asks verifiers to', () => {
    const sig = Buffer.from([0xfb, 0xff, 0xfe, 0x01]);
    const read = envelopeFrom({ payload: Buffer.from('>>?').toString('base64url'), payloadType: 't', signatures: [{ keyid: 'k', sig: sig.toString('base64url') }] }, 'go.json');
    expect(read.payload).toBe(Buffer.from('>>?').toString('base64'));
    expect(read.signatures[0]!.sig).toBe(sig.toString('base64'));
  });

  it('refuses a file that is not an envelope, naming the field', () => {
    expect(() => envelopeFrom({ payload: 'e30=', payloadType: 'application/vnd.in-toto+json', signatures: [{ keyid: 'k' }] }, 'go.json')).toThrow(InvalidInputError);
    expect(() => envelopeFrom({ payload: 'not base64!', payloadType: 'x', signatures: [] }, 'go.json')).toThrow(/go\.json: field payload: expected base64 text/);
    expect(() => envelopeFrom([], 'go.json')).toThrow(/expected a DSSE envelope/);
  });
});
