/**
 * The record map evidence is kept in: one record for each party, kind and target, new evidence
 * replacing the record it repeats, however many records the program has gathered (a long program
 * publishes many targets, each with its own records).
 */
import { describe, expect, it } from 'vitest';
import { evidenceKey } from '../../src/domain/state.js';
import { C, P } from '../support/program.js';
import { evidence, given, publishTarget } from '../support/decider-spec.js';

const targets = Array.from({ length: 30 }, (_, i) => ({ tag: `v3.0.${i}`, sha: i.toString(16).padStart(2, '0').repeat(20) }));
const history = targets.map((t) => [publishTarget(t.tag, t.sha), evidence(P, 'handoff-payload'), evidence(C, 'repin')]);

describe('evidence records', () => {
  it('keeps one record for each party, kind and target, under its key', () => {
    const { state } = given(...history);
    expect(Object.keys(state.evidence)).toHaveLength(60);
    for (const [key, record] of Object.entries(state.evidence)) expect(key).toBe(evidenceKey(record.party, record.kind, record.target));
  });

  it('replaces the record new evidence repeats, behind 58 records of earlier targets', () => {
    const before = given(...history);
    const last = targets.at(-1)!;
    const after = before.and(evidence(P, 'verification-run'), evidence(P, 'verification-run', 'fail'), evidence(C, 'repin'));
    // One record more, the run's, which the failing run replaced; the repin replaced its record.
    expect(Object.keys(after.state.evidence)).toHaveLength(61);
    const run = after.state.evidence[evidenceKey(P, 'verification-run', last)]!;
    expect([run.seq, run.result]).toEqual([after.state.seq - 1, 'fail']);
    expect(after.state.evidence[evidenceKey(C, 'repin', last)]!.seq).toBe(after.state.seq);
    // The earlier targets' records are as they were.
    const first = evidenceKey(P, 'handoff-payload', targets[0]!);
    expect(after.state.evidence[first]).toEqual(before.state.evidence[first]);
  });
});
