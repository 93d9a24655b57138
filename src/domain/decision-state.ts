/**
 * Where a decision stands, beside its outcome: `pending` while a party still owes its verdict (a
 * missing vote is not a NO-GO vote), `decided` once every party has spoken or one said NO-GO, and
 * `closed` once the phase it closes after (`closes_after_phase`) is closed or complete, when it no
 * longer matters and shows its last outcome. The word every output shows is derived here, once. Pure.
 */
import type { DecisionDefinition } from '../program/schema.js';
import type { PartyQuorum } from './quorum.js';
import type { PhaseStatusName } from './state.js';

export type DecisionState = 'pending' | 'decided' | 'closed';

/** What the state is derived from: the outcome and each party's verdict (and quorum, when it sets one). */
export interface DecisionFacts {
  readonly outcome: 'GO' | 'NO-GO';
  readonly verdicts: Readonly<Record<string, { readonly verdict: 'GO' | 'NO-GO'; readonly stale: boolean } | null>>;
  readonly approvals: Readonly<Record<string, PartyQuorum>> | null;
}

/** The phase after which a decision closes, as a phase id (YAML may write it as a number). */
export function closesAfterPhase(decision: Pick<DecisionDefinition, 'closes_after_phase'>): string | null {
  return decision.closes_after_phase === undefined ? null : String(decision.closes_after_phase);
}

/** Has a party spoken on the decision for the current state: a NO-GO, or a GO that counts? */
function partyOwesVerdict(facts: DecisionFacts, party: string): boolean {
  const q = facts.approvals?.[party];
  if (q !== undefined) return !q.holds && q.noGo.length === 0;
  const v = facts.verdicts[party] ?? null;
  return v === null || (v.verdict === 'GO' && v.stale);
}

/** Pending or decided, before closing is considered. */
export function verdictState(facts: DecisionFacts): 'pending' | 'decided' {
  if (facts.outcome === 'GO') return 'decided';
  const parties = Object.keys(facts.verdicts);
  const noGo = parties.some((p) => facts.verdicts[p]?.verdict === 'NO-GO' || (facts.approvals?.[p]?.noGo.length ?? 0) > 0);
  if (noGo) return 'decided';
  return parties.some((p) => partyOwesVerdict(facts, p)) ? 'pending' : 'decided';
}

export function decisionState(facts: DecisionFacts, closesAfter: string | null, phaseStatus: (phase: string) => PhaseStatusName): DecisionState {
  if (closesAfter !== null) {
    const status = phaseStatus(closesAfter);
    if (status === 'closed' || status === 'complete') return 'closed';
  }
  return verdictState(facts);
}

/**
 * The decision in one word (or three), as status, gate, records and the dashboard show it:
 * `GO`, `NO-GO`, `pending`, or once closed `closed (GO)`, `closed (NO-GO)`, `closed (pending)`.
 */
export function decisionLabel(d: DecisionFacts & { readonly state: DecisionState }): string {
  const last = verdictState(d) === 'pending' ? 'pending' : d.outcome;
  return d.state === 'closed' ? `closed (${last})` : last;
}
