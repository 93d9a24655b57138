import { describe, expect, it } from 'vitest';
import { readinessMatrix, runtimeDecisionOf, type ReadinessMatrix } from '../../src/domain/readiness.js';
import { C, P, Scenario, SHA_B } from '../support/program.js';

const NOW = new Date('2026-02-10T00:00:00Z');

function matrixOf(s: Scenario): ReadinessMatrix {
  return readinessMatrix(s.state, runtimeDecisionOf(s.state.definition!)!, NOW);
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
function blocked(s: Scenario): string[] {
  const decision = s.evaluate(NOW).decisions.find((d) => d.id === runtimeDecisionOf(s.state.definition!))!;
  return decision.blockers.flatMap((b) => b.waitingOn.map((p) => `${b.gate}:${p}`));
}

describe('readiness matrix of the runtime decision', () => {
  it('given nothing recorded: every requirement is missing, each for the party that owes it', () => {
    const s = new Scenario();
    const m = matrixOf(s);
    expect(m.decision).toBe('runtime-cutover');
    expect(cells(m)).toContain(`${P}:target published and verified=missing`);
    expect(cells(m)).toContain(`${C}:target published and verified=not-required`);
    expect(cells(m)).toContain(`${C}:GO=missing`);
    expect(unmet(m).sort()).toEqual(blocked(s).sort());
  });

  it('a met cell names the event that satisfies it; a failed run turns it failed; a new target makes it stale', () => {
    const s = new Scenario();
    s.publishTarget();
    s.evidence(P, 'rollback-execution');
    const rollback = () => matrixOf(s).columns.find((c) => c.gate === 'rollback-evidence')!.cells[P]!;
    expect(rollback()).toMatchObject({ status: 'met', seq: s.state.seq });
    s.evidence(P, 'rollback-execution', 'fail');
    expect(rollback()).toMatchObject({ status: 'failed', seq: s.state.seq });
    s.publishTarget('v3.0.1', SHA_B);
    expect(rollback().status).toBe('stale');
    expect(unmet(matrixOf(s)).sort()).toEqual(blocked(s).sort());
  });

  it('a NO-GO is failed, no verdict is missing (never NO-GO), a GO for an earlier target is stale', () => {
    const s = new Scenario();
    s.publishTarget();
    s.allEvidence();
    s.verdict(P, 'runtime-cutover', 'NO-GO');
    const go = () => matrixOf(s).columns.find((c) => c.label === 'GO')!.cells;
    expect([go()[P]!.status, go()[C]!.status]).toEqual(['failed', 'missing']);
    s.verdict(P, 'runtime-cutover', 'GO');
    s.verdict(C, 'runtime-cutover', 'GO');
    expect([go()[P]!.status, go()[C]!.status]).toEqual(['met', 'met']);
    expect(unmet(matrixOf(s))).toEqual([]);
    expect(blocked(s)).toEqual([]);
    s.publishTarget('v3.0.1', SHA_B);
    expect(go()[P]!.status).toBe('stale');
    expect(unmet(matrixOf(s)).sort()).toEqual(blocked(s).sort());
  });
});
