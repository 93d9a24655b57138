/** Rollback evidence proves the rollback target only where it ran (given events, when evidence, then events or error). */
import { describe, expect, it } from 'vitest';
import { EvidenceRejectedError } from '../../src/errors.js';
import { given, publishBaseline, publishTarget } from '../support/decider-spec.js';
import { C, evidenceInput, P, repinFacts, ROLE, SHA_A, SHA_C } from '../support/program.js';

/** v3.0.0 published, then v2.9.0 as the baseline (the rollback target); rollback evidence as collected there. */
function rollbackEvidence(party: string) {
  const g = given(publishTarget(), publishBaseline());
  const input = evidenceInput(g.state, 'rollback-execution');
  if (input.kind !== 'rollback-execution' || !('checkout' in input)) throw new Error('expected collected rollback evidence');
  return { g, input, actor: party === P ? ROLE.producerApprover : ROLE.consumerApprover };
}

describe('decide: rollback evidence runs at the rollback target', () => {
  it("a producer's run at the rollback target's commit is recorded", () => {
    const { g, input, actor } = rollbackEvidence(P);
    g.when({ type: 'add-evidence', actor, party: P, evidence: input }).then([
      {
        type: 'evidence.added',
        actor,
        data: expect.objectContaining({ kind: 'rollback-execution', party: P, target: { tag: 'v3.0.0', sha: SHA_A }, result: 'pass', rollbackTarget: { tag: 'v2.9.0', sha: SHA_C } }),
      },
    ]);
  });

  it("a producer's run at another commit is refused, naming both commits", () => {
    const { g, input, actor } = rollbackEvidence(P);
    const atTarget = { ...input, checkout: { ...input.checkout, commit: SHA_A }, run: { ...input.run, head: SHA_A } };
    const error = g.when({ type: 'add-evidence', actor, party: P, evidence: atTarget }).thenError(EvidenceRejectedError);
    expect(error.what).toContain(`must run at the rollback target's commit ${SHA_C}`);
    expect(error.problems).toEqual([`/ci/checkout is at commit ${SHA_A}, not at the rollback target v2.9.0 @ ${SHA_C}`]);
  });

  it("a consumer's run where the pin set names the candidate target is refused, naming the pin", () => {
    const { g, input, actor } = rollbackEvidence(C);
    const pinnedToCandidate = { ...input, checkout: { ...input.checkout, files: repinFacts({ tag: 'v3.0.0', sha: SHA_A, contracts: { service: 'service.v3' } }).files } };
    const error = g.when({ type: 'add-evidence', actor, party: C, evidence: pinnedToCandidate }).thenError(EvidenceRejectedError);
    expect(error.what).toContain('must run where its pin set names the rollback target v2.9.0');
    expect(error.problems).toContainEqual(expect.stringContaining('/release_tag is "v3.0.0", expected the target\'s tag "v2.9.0"'));
  });

  it('a checkout that moved while the suite ran is refused', () => {
    const { g, input, actor } = rollbackEvidence(P);
    const moved = { ...input, run: { ...input.run, head: SHA_A } };
    const error = g.when({ type: 'add-evidence', actor, party: P, evidence: moved }).thenError(EvidenceRejectedError);
    expect(error.what).toContain('the checkout moved while the suite ran');
  });
});
