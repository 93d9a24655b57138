/**
 * Why a decision has its outcome, in words: a party that has not voted is pending, which is not a
 * NO-GO vote, so a decision still waiting for a vote says so; a closed one says why it no longer
 * matters. Pure.
 */
import type { DecisionStatus } from './evaluate.js';

/** The parties with no verdict recorded on the decision yet. */
export function pendingParties(d: Pick<DecisionStatus, 'verdicts'>): string[] {
  return Object.entries(d.verdicts)
    .filter(([, v]) => v === null)
    .map(([party]) => party);
}

export function decisionReason(d: DecisionStatus): string {
  const why = verdictReason(d);
  return d.state === 'closed' ? `closed: Phase ${d.closesAfterPhase} has ended, so it no longer matters; last: ${why}` : why;
}

function verdictReason(d: DecisionStatus): string {
  if (d.outcome === 'GO') return 'every party is GO and every gate holds';
  const parts: string[] = [];
  const pending = pendingParties(d);
  if (pending.length > 0) parts.push(`waiting for ${pending.join(', ')}`);
  const noGo = Object.entries(d.verdicts).filter(([, v]) => v?.verdict === 'NO-GO').map(([party]) => party);
  if (noGo.length > 0) parts.push(`NO-GO from ${noGo.join(', ')}`);
  const stale = Object.entries(d.verdicts).filter(([, v]) => v?.stale === true).map(([party]) => party);
  if (stale.length > 0) parts.push(`GO from ${stale.join(', ')} is for another target`);
  const gates = d.blockers.filter((b) => b.kind !== 'all-parties-go').map((b) => b.gate);
  if (gates.length > 0) parts.push(`gates unmet: ${gates.join(', ')}`);
  return parts.join('; ');
}
