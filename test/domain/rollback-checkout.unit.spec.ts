/** Rollback evidence proves the rollback target only where it ran (given events, when evidence, then events or error). */
import { describe, expect, it } from 'vitest';
import type { EvidenceRejectedError } from '../../src/errors.js';
import { C, expectRefused, P, repinFacts, ROLE, Scenario, SHA_A, SHA_C } from '../support/program.js';

function rollbackEvidence(s: Scenario, party: string) {
  const input = s.evidenceInput('rollback-execution');
  if (input.kind !== 'rollback-execution' || !('checkout' in input)) throw new Error('expected collected rollback evidence');
  return { s, input, actor: party === P ? ROLE.producerApprover : ROLE.consumerApprover };
}

describe('decide: rollback evidence runs at the rollback target', () => {
  it("a producer's run at the rollback target's commit is recorded", () => {
    const s = new Scenario();
    s.publishTarget();
    const { input, actor } = rollbackEvidence(s, P);
    const decided = s.decide({ type: 'add-evidence', actor, party: P, evidence: input });
    expect(decided.ok && decided.events[0]!.data).toMatchObject({ kind: 'rollback-execution', result: 'pass', rollbackTarget: { tag: 'v2.9.0', sha: SHA_C } });
  });

  it("a producer's run at another commit is refused, naming both commits", () => {
    const s = new Scenario();
    s.publishTarget();
    const { input, actor } = rollbackEvidence(s, P);
    const atTarget = { ...input, checkout: { ...input.checkout, commit: SHA_A }, run: { ...input.run, head: SHA_A } };
    const error = expectRefused(s.decide({ type: 'add-evidence', actor, party: P, evidence: atTarget }), 'evidence-rejected') as EvidenceRejectedError;
    expect(error.what).toContain(`must run at the rollback target's commit ${SHA_C}`);
    expect(error.problems).toEqual([`/ci/checkout is at commit ${SHA_A}, not at the rollback target v2.9.0 @ ${SHA_C}`]);
  });

  it("a consumer's run where the pin set names the candidate target is refused, naming the pin", () => {
    const s = new Scenario();
    s.publishTarget();
    const { input, actor } = rollbackEvidence(s, C);
    const pinnedToCandidate = { ...input, checkout: { ...input.checkout, files: repinFacts({ tag: 'v3.0.0', sha: SHA_A, contracts: { service: 'service.v3' } }).files } };
    const error = expectRefused(s.decide({ type: 'add-evidence', actor, party: C, evidence: pinnedToCandidate }), 'evidence-rejected') as EvidenceRejectedError;
    expect(error.what).toContain('must run where its pin set names the rollback target v2.9.0');
    expect(error.problems).toContainEqual(expect.stringContaining('/release_tag is "v3.0.0", expected the target\'s tag "v2.9.0"'));
  });

  it('a checkout that moved while the suite ran is refused', () => {
    const s = new Scenario();
    s.publishTarget();
    const { input, actor } = rollbackEvidence(s, P);
    const moved = { ...input, run: { ...input.run, head: SHA_A } };
    const error = expectRefused(s.decide({ type: 'add-evidence', actor, party: P, evidence: moved }), 'evidence-rejected') as EvidenceRejectedError;
    expect(error.what).toContain('the checkout moved while the suite ran');
  });
});
