/**
 * What an attestation of a decision says, judged from the ledger alone: the commits it is about (its
 * subjects), the events its GO rests on, whether the decision was GO at a head and when it stopped
 * being GO, and whether the signers cover every party. Pure: the envelope, its signatures and the
 * clock are handled by src/attest, which hands the facts in.
 */
import type { DecisionDefinition, ProgramDefinition } from '../program/schema.js';
import type { LedgerEvent } from './events.js';
import { decisionBindsTarget, decisionBlockers, evidenceStanding, gatesOfDecision, partiesOwing, type Blocker } from './evaluate.js';
import { evolve, repinKey, sameTarget, targetRef, type ProgramState } from './state.js';

/** One artifact the attestation is about: a git commit or an annotated tag object, named `<party>@<tag or commit>`. */
export interface AttestedSubject {
  readonly name: string;
  readonly digest: { readonly gitCommit: string } | { readonly gitTag: string };
}

/** Why there is nothing to attest: the decision names no target, or the target was rolled back. */
export type SubjectsRefusal = { readonly ok: false; readonly reason: string };

export function decisionOf(def: ProgramDefinition, decision: string): DecisionDefinition | undefined {
  return def.decisions.find((d) => d.id === decision);
}

/**
 * The commits a GO approves: the producer's target commit, its tag object when the tag is annotated,
 * and each consumer's accepted repin commit for that target, in the order the program lists parties.
 */
export function attestedSubjects(state: ProgramState): { readonly ok: true; readonly subjects: readonly AttestedSubject[] } | SubjectsRefusal {
  const def = state.definition;
  const target = state.target;
  if (def === null || target === null) return { ok: false, reason: 'no runtime target is published: an attestation is about the commits of a target and its repins' };
  if (target.rolledBack !== null) return { ok: false, reason: `target ${target.tag} @ ${target.sha} was rolled back by incident ${target.rolledBack.incident} (seq ${target.rolledBack.seq})` };
  const subjects: AttestedSubject[] = [];
  for (const party of def.parties) {
    if (party.kind === 'producer') {
      subjects.push({ name: `${party.id}@${target.sha}`, digest: { gitCommit: target.sha } });
      if (target.facts?.annotated === true && target.facts.tagObject !== null) subjects.push({ name: `${party.id}@${target.tag}`, digest: { gitTag: target.facts.tagObject } });
    } else {
      const repin = state.acceptedRepins[repinKey(party.id, target)];
      if (repin !== undefined) subjects.push({ name: `${party.id}@${repin.commit}`, digest: { gitCommit: repin.commit } });
    }
  }
  return { ok: true, subjects };
}

/** The events a decision's GO rests on, by seq: the GO verdicts that count, and the evidence its gates accept. */
export interface GoBasis {
  readonly verdicts: readonly number[];
  readonly evidence: readonly number[];
}

export function goBasis(state: ProgramState, decision: DecisionDefinition): GoBasis {
  const def = state.definition!;
  const current = targetRef(state.target);
  const binds = decisionBindsTarget(decision, def);
  const verdicts = Object.values(state.roleVerdicts[decision.id] ?? {})
    .filter((v) => v.verdict === 'GO' && (!binds || sameTarget(v.target, current)))
    .map((v) => v.seq);
  const evidence: number[] = [];
  const met = (party: string, kind: string) => {
    const standing = evidenceStanding(state, party, kind, current);
    if (standing.status === 'met') evidence.push(standing.record.seq);
  };
  for (const gate of gatesOfDecision(decision, def)) {
    if (gate.kind === 'evidence') for (const req of gate.requires) for (const party of partiesOwing(req, def)) met(party, req.kind);
    if (gate.kind === 'rollback-evidence') for (const party of def.parties) met(party.id, gate.evidence);
  }
  const sorted = (seqs: number[]) => [...new Set(seqs)].sort((a, b) => a - b);
  return { verdicts: sorted(verdicts), evidence: sorted(evidence) };
}

/** The decision's blockers in a state at a time: none means GO. */
export function blockersAt(state: ProgramState, decision: DecisionDefinition, now: Date): readonly Blocker[] {
  return decisionBlockers(state, state.definition!, decision, now);
}

/** Where a GO stopped being GO: the first event after which the decision was NO-GO, and why. */
export interface StoppedGo {
  readonly seq: number;
  readonly at: string;
  readonly type: string;
  readonly blockers: readonly Blocker[];
}

/**
 * Walk the events after a GO head, each judged at its own time: the first after which the decision is
 * NO-GO (a new target, a NO-GO verdict, a failed run…), or null when it stayed GO through all of them.
 * A decision the program no longer defines stops being GO with the amendment that dropped it.
 */
export function firstNoGoAfter(atHead: ProgramState, after: Iterable<LedgerEvent>, decision: string): StoppedGo | null {
  let state = atHead;
  for (const event of after) {
    state = evolve(state, event);
    const d = decisionOf(state.definition!, decision);
    const blockers = d === undefined ? [] : blockersAt(state, d, new Date(event.at));
    if (d === undefined || blockers.length > 0) return { seq: event.seq, at: event.at, type: event.type, blockers };
  }
  return null;
}

/** The subjects an attestation names that the ledger does not, and those it leaves out. */
export function subjectDifferences(expected: readonly AttestedSubject[], found: readonly AttestedSubject[]): string[] {
  const key = (s: AttestedSubject) => `${s.name} ${JSON.stringify(s.digest)}`;
  const wanted = new Set(expected.map(key));
  const given = new Set(found.map(key));
  return [
    ...found.filter((s) => !wanted.has(key(s))).map((s) => `subject ${describeSubject(s)} is not a commit the decision approves`),
    ...expected.filter((s) => !given.has(key(s))).map((s) => `subject ${describeSubject(s)} is missing`),
  ];
}

export function describeSubject(s: AttestedSubject): string {
  const [kind, value] = Object.entries(s.digest)[0] as [string, string];
  return `${s.name} (${kind} ${value})`;
}

/** The roles that may sign an attestation: a party's approvers, and automation (CI). */
export function mayAttest(def: ProgramDefinition, role: string): boolean {
  return def.roles.some((r) => r.id === role && (r.duties.includes('approver') || r.duties.includes('automation')));
}

/** The parties with no signing role among `roles` (a joint role speaks for no one party). */
export function partiesWithoutSigner(def: ProgramDefinition, roles: readonly string[]): string[] {
  const covered = new Set(def.roles.filter((r) => roles.includes(r.id)).map((r) => r.party));
  return def.parties.filter((p) => !covered.has(p.id)).map((p) => p.id);
}
