/** Invariants, over generated inputs: canonical forms, tamper detection, deterministic folding. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { evaluate } from '../../src/domain/evaluate.js';
import { replay } from '../../src/domain/state.js';
import { LedgerVerificationError } from '../../src/errors.js';
import { canonicalJson, digestOf } from '../../src/ledger/canonical.js';
import { canonicalForms, checkLine, formsFromCanonicalLine, seal, serialize } from '../../src/ledger/chain.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { C, FILE, P, programFixture, ROLE, Scenario, SHA_A, SHA_B } from '../support/program.js';

/** What the file store does with a file's bytes: complete lines, and a torn tail if any. */
function readBack(bytes: Uint8Array) {
  const parts = Buffer.from(bytes).toString('utf8').split('\n');
  const last = parts.pop()!;
  const keepBytes = bytes.length - Buffer.byteLength(last);
  return last === '' ? { source: 'ledger.jsonl', lines: parts } : { source: 'ledger.jsonl', lines: parts, torn: { line: parts.length + 1, bytes: Buffer.byteLength(last), keepBytes } };
}

/** Caught: verification fails, or the file no longer ends cleanly (a torn line, which `cutover verify` fails on). */
function caught(text: ReturnType<typeof readBack>): boolean {
  try {
    return verifyLedger(text).torn !== undefined;
  } catch (e) {
    if (e instanceof LedgerVerificationError) return true;
    throw e;
  }
}

describe('canonical forms', () => {
  it('the line built from parts equals RFC 8785 over the whole event, for any data', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.nat(), (data, actor, seq) => {
        const event = { v: 1, program: 'p', seq: seq + 1, at: '2026-01-01T00:00:00.000Z', type: 'phase.started', actor, data, prev: null, sig: { key: 'k', value: 'v' }, hash: 'h' } as unknown as LedgerEvent;
        const { hash: _h, ...hashed } = event;
        const { sig: _s, ...signed } = hashed;
        const forms = canonicalForms(event);
        expect(forms.line).toBe(canonicalJson(event));
        expect(forms.hashed).toBe(canonicalJson(hashed));
        expect(forms.signed).toBe('cutover-event-v1\n' + canonicalJson(signed));
      }),
      { numRuns: 300 },
    );
  });
});

describe('tamper detection', () => {
  const s = new Scenario();
  s.phase('start', '7');
  s.publishTarget();
  s.verdict(P, 'rehearsal-continuation', 'GO');
  s.verdict(C, 'runtime-cutover', 'NO-GO', 'not yet');
  s.phase('close', '7', 'decision recorded');
  const file = Buffer.from(s.events.map((e) => serialize(e) + '\n').join(''), 'utf8');

  it('the untouched file verifies', () => {
    expect(verifyLedger(readBack(file)).events).toHaveLength(s.events.length);
  });

  it('changing any one byte of any line to any other value is caught', () => {
    fc.assert(
      fc.property(fc.nat({ max: file.length - 1 }), fc.integer({ min: 0, max: 255 }), (index, value) => {
        fc.pre(file[index] !== value);
        const tampered = Uint8Array.from(file);
        tampered[index] = value;
        expect(caught(readBack(tampered))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('removing any one line, or swapping any two, is caught', () => {
    const lines = s.events.map(serialize);
    fc.assert(
      fc.property(fc.nat({ max: lines.length - 1 }), fc.nat({ max: lines.length - 1 }), (i, j) => {
        const removed = lines.filter((_, k) => k !== i);
        if (i !== lines.length - 1) expect(() => verifyLedger({ source: 'l', lines: removed })).toThrow(LedgerVerificationError);
        fc.pre(i !== j);
        const swapped = [...lines];
        [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
        expect(() => verifyLedger({ source: 'l', lines: swapped })).toThrow(LedgerVerificationError);
      }),
    );
  });
});

describe('evolve', () => {
  // A random walk through the commands the roles can give; refused ones are simply skipped.
  const step = fc.oneof(
    fc.constantFrom<[string]>(
      ['publish-a'], ['publish-b'], ['start-7'], ['close-7'], ['start-8'], ['complete-8'], ['evidence-all'], ['blocker'], ['resolve'],
      ['incident'], ['notify'], ['recommend'], ['rollback'], ['repin'], ['confirm-repin'], ['runs'], ['summary'], ['approve'], ['close-incident'],
    ),
    fc.tuple(fc.constantFrom('verdict'), fc.constantFrom(P, C), fc.constantFrom('GO', 'NO-GO'), fc.constantFrom('rehearsal-continuation', 'runtime-cutover')),
  );

  function walk(steps: readonly (readonly string[])[]): Scenario {
    const s = new Scenario();
    for (const [kind, a, b, c] of steps) {
      try {
        if (kind === 'publish-a') s.publishTarget('v3.0.0', SHA_A);
        else if (kind === 'publish-b') s.publishTarget('v3.0.1', SHA_B);
        else if (kind === 'start-7') s.phase('start', '7');
        else if (kind === 'close-7') s.phase('close', '7');
        else if (kind === 'start-8') s.phase('start', '8');
        else if (kind === 'complete-8') s.phase('complete', '8');
        else if (kind === 'evidence-all') s.allEvidence();
        else if (kind === 'incident') s.record({ type: 'declare-incident', actor: ROLE.producerIc, trigger: 'envelope-mismatch', severity: 'SEV-1', summary: 'x', id: 'INC' });
        else if (kind === 'notify') s.record({ type: 'notify-incident', actor: ROLE.producerIc, id: 'INC' });
        else if (kind === 'recommend') s.record({ type: 'recommend-rollback', actor: ROLE.producerIc, id: 'INC' });
        else if (kind === 'rollback') s.record({ type: 'execute-rollback', actor: ROLE.producerApprover, id: 'INC' });
        else if (kind === 'repin') s.evidence(C, 'repin');
        else if (kind === 'confirm-repin') s.record({ type: 'confirm-repin', actor: ROLE.consumerApprover, id: 'INC' });
        else if (kind === 'runs') {
          s.evidence(P, 'verification-run');
          s.evidence(C, 'verification-run');
        }
        else if (kind === 'summary') s.record({ type: 'summarize-incident', actor: ROLE.consumerIc, id: 'INC', summary: 'x', residualRisk: 'y' });
        else if (kind === 'approve') {
          s.record({ type: 'approve-incident', actor: ROLE.producerApprover, id: 'INC' });
          s.record({ type: 'approve-incident', actor: ROLE.consumerApprover, id: 'INC' });
        }
        else if (kind === 'close-incident') s.record({ type: 'close-incident', actor: ROLE.producerIc, id: 'INC' });
        else if (kind === 'blocker') s.record({ type: 'raise-blocker', actor: ROLE.logOwner, text: 'x', owner: ROLE.logOwner, due: '2026-03-01', id: 'B' });
        else if (kind === 'resolve') s.record({ type: 'resolve-blocker', actor: ROLE.logOwner, id: 'B', note: 'x' });
        else if (kind === 'verdict') s.verdict(a!, c!, b as 'GO' | 'NO-GO');
      } catch {
        // refused by the policy: nothing recorded
      }
    }
    return s;
  }

  it('is deterministic: replaying the same events — also after a round trip through their lines — gives the same state and evaluation', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        const s = walk(steps);
        const now = new Date('2026-06-01T00:00:00Z');
        const again = replay(s.events);
        const fromLines = replay(s.events.map((e) => JSON.parse(serialize(e)) as LedgerEvent));
        expect(again).toEqual(s.state);
        expect(fromLines).toEqual(s.state);
        expect(evaluate(fromLines, now)).toEqual(evaluate(s.state, now));
        // and every ledger the policy lets through verifies
        expect(verifyLedger({ source: 'l', lines: s.events.map(serialize) }).state).toEqual(s.state);
      }),
      { numRuns: 150 },
    );
  });

  it('the outcome of a decision is GO only when every party\'s latest verdict is GO and every gate holds', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 25 }), (steps) => {
        const s = walk(steps);
        const ev = s.evaluate();
        for (const d of ev.decisions) {
          const allGo = Object.values(d.verdicts).every((v) => v !== null && v.verdict === 'GO' && !v.stale);
          expect(d.outcome === 'GO').toBe(allGo && d.blockers.length === 0);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('checking a line', () => {
  const base = programFixture();
  const signer = base.signers[ROLE.logOwner]!;
  // Contract maps are free-form: any keys, including integer-like ones that JSON.parse reorders.
  // Keys named like the line's own top-level members, and strings that look like its separators:
  // cutting the hashed and signed forms out of the line must not be fooled by them.
  const lookalike = fc.constantFrom(',"hash":"', ',"sig":{"key":"', ',"type":"', '"}');
  const text = fc.oneof(fc.string({ minLength: 1 }), fc.tuple(fc.string(), lookalike, fc.string()).map((parts) => parts.join('')));
  const key = fc.oneof(text, fc.nat().map(String), fc.constantFrom('hash', 'sig', 'type', 'a', 'z'));
  const contracts = fc.dictionary(key, fc.oneof(text, fc.constant('sha256:' + '0'.repeat(64))), { maxKeys: 6 });

  function definedWith(c: Record<string, string>) {
    const definition = { ...base.definition, baseline: { tag: 'v2', sha: SHA_A, contracts: c } };
    return seal({ type: 'program.defined', actor: ROLE.logOwner, data: { definition, digest: digestOf(definition), file: FILE } }, { program: 'memorykernel-service-v3', seq: 1, at: '2026-01-01T00:00:00.000Z', prev: null }, signer);
  }

  it('accepts every canonical line, whatever its keys, with the same hashed and signed forms as canonicalize', () => {
    fc.assert(
      fc.property(contracts, (c) => {
        const event = definedWith(c);
        const line = serialize(event);
        expect(checkLine(line).ok).toBe(true);
        const expected = canonicalForms(event);
        const forms = formsFromCanonicalLine(line, JSON.parse(line) as LedgerEvent);
        expect({ hashed: forms?.hashed, signed: forms?.signed }).toEqual({ hashed: expected.hashed, signed: expected.signed });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses the same event encoded any other way', () => {
    fc.assert(
      fc.property(contracts, (c) => {
        const event = definedWith(c);
        const reordered = JSON.stringify(Object.fromEntries(Object.entries(event).reverse()));
        const spaced = JSON.stringify(event, null, 1).replace(/\n/g, '');
        for (const text of [reordered, spaced]) expect(checkLine(text)).toMatchObject({ ok: false, fault: 'not-canonical' });
      }),
      { numRuns: 100 },
    );
  });
});
