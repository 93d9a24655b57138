import { describe, expect, it } from 'vitest';
import { readinessMatrix, runtimeDecisionOf, type ReadinessMatrix } from '../../src/domain/readiness.js';
import { allEvidence, evidence, given, publishTarget, verdict, type Given } from '../support/decider-spec.js';
import { C, P, SHA_B } from '../support/program.js';

const NOW = new Date('2026-02-10T00:00:00Z');

function matrixOf(g: Given): ReadinessMatrix {
  return readinessMatrix(g.state, runtimeDecisionOf(g.state.definition!)!, NOW);
}

/** `party:column-label=status` for every cell, in order. */
function cells(m: ReadinessMatrix): string[] {
  return m.columns.flatMap((c) => m.parties.map((p) => `${p.id}:${c.label}=${c.cells[p.id]!.status}`));
}

/** The cells left unmet, as (gate, party) pairs. */
function unmet(m: ReadinessMatrix): string[] {
  return m.columns.flatMap((c) => m.parties.filter((p) => !['met', 'not-required'].includes(c.cells[p.id]!.status)).map((p) => `${c.gate}:${p.id}`));
}

/** What the gates' blockers of the runtime decision wait on, as (gate, party) pairs. */
function blocked(g: Given): string[] {
  const decision = g.evaluate(NOW).decisions.find((d) => d.id === runtimeDecisionOf(g.state.definition!))!;
  return decision.blockers.flatMap((b) => b.waitingOn.map((p) => `${b.gate}:${p}`));
}

describe('readiness matrix of the runtime decision', () => {
  it('given nothing recorded: every requirement is missing, each for the party that owes it', () => {
    const g = given();
    const m = matrixOf(g);
    expect(m.decision).toBe('runtime-cutover');
    expect(cells(m)).toContain(`${P}:target published and verified=missing`);
    expect(cells(m)).toContain(`${C}:target published and verified=not-required`);
    expect(cells(m)).toContain(`${C}:GO=missing`);
    expect(unmet(m).sort()).toEqual(blocked(g).sort());
  });

  it('a met cell names the event that satisfies it; a failed run turns it failed; a new target makes it stale', () => {
    const rollback = (g: Given) => matrixOf(g).columns.find((c) => c.gate === 'rollback-evidence')!.cells[P]!;
    const passed = given(publishTarget(), evidence(P, 'rollback-execution'));
    expect(rollback(passed)).toMatchObject({ status: 'met', seq: passed.state.seq });
    const failed = passed.and(evidence(P, 'rollback-execution', 'fail'));
    expect(rollback(failed)).toMatchObject({ status: 'failed', seq: failed.state.seq });
    const republished = failed.and(publishTarget('v3.0.1', SHA_B));
    expect(rollback(republished).status).toBe('stale');
    expect(unmet(matrixOf(republished)).sort()).toEqual(blocked(republished).sort());
  });

  it('a NO-GO is failed, no verdict is missing (never NO-GO), a GO for an earlier target is stale', () => {
    const go = (g: Given) => matrixOf(g).columns.find((c) => c.label === 'GO')!.cells;
    const noGo = given(publishTarget(), ...allEvidence(), verdict(P, 'runtime-cutover', 'NO-GO'));
    expect([go(noGo)[P]!.status, go(noGo)[C]!.status]).toEqual(['failed', 'missing']);
    const bothGo = noGo.and(verdict(P, 'runtime-cutover', 'GO'), verdict(C, 'runtime-cutover', 'GO'));
    expect([go(bothGo)[P]!.status, go(bothGo)[C]!.status]).toEqual(['met', 'met']);
    expect(unmet(matrixOf(bothGo))).toEqual([]);
    expect(blocked(bothGo)).toEqual([]);
    const republished = bothGo.and(publishTarget('v3.0.1', SHA_B));
    expect(go(republished)[P]!.status).toBe('stale');
    expect(unmet(matrixOf(republished)).sort()).toEqual(blocked(republished).sort());
  });
});
