/**
 * Approval quorum, separation of duties and expiry: how many of a party's approvers must say GO on
 * a decision, whose GO counts, and for how long. Pure: `now` comes in as an argument.
 *
 * A decision that sets none of `approvals`, `independent_of`, `require_duty` or `valid_for` keeps
 * the one-verdict-per-party rule (evaluate.ts); one that sets any of them is decided here.
 */
import type { DecisionDefinition, ProgramDefinition } from '../program/schema.js';
import { durationMs } from '../program/duration.js';
import { describeTarget, sameTarget, targetRef, type ProgramState, type RoleVerdictRecord } from './state.js';

export interface CountedApproval {
  readonly role: string;
  readonly at: string;
  readonly seq: number;
  /** When this GO stops counting (valid_for), null when it does not expire. */
  readonly expiresAt: string | null;
}

export type NotCountedReason = 'expired' | 'stale' | 'publisher' | 'same-key';

export interface NotCountedApproval {
  readonly role: string;
  readonly at: string;
  readonly seq: number;
  readonly reason: NotCountedReason;
  /** Why it does not count, in words. */
  readonly detail: string;
  /** For an expired GO: when it expired. */
  readonly expiredAt: string | null;
}

/** One party's approvals of one decision, evaluated at `now`. */
export interface PartyQuorum {
  readonly party: string;
  readonly required: number;
  readonly requiredDuty: 'security' | null;
  readonly counted: readonly CountedApproval[];
  readonly notCounted: readonly NotCountedApproval[];
  /** Approvers whose latest verdict is NO-GO: each holds the party at NO-GO until that role changes it. */
  readonly noGo: readonly { readonly role: string; readonly at: string; readonly seq: number }[];
  /** Approver roles of the party whose GO would still count. */
  readonly mayStillSign: readonly string[];
  /** How many more counted GOs the party needs (a missing required duty counts as one). */
  readonly missing: number;
  readonly dutyMet: boolean;
  readonly holds: boolean;
}

/** Does this decision use the quorum rules? */
export function governedByQuorum(decision: DecisionDefinition): boolean {
  return decision.approvals !== undefined || decision.independent_of !== undefined || decision.require_duty !== undefined || decision.valid_for !== undefined;
}

/** How many GOs a party needs: its own number, else `default`, else one. */
export function requiredApprovals(decision: DecisionDefinition, party: string): number {
  return decision.approvals?.[party] ?? decision.approvals?.default ?? 1;
}

/** The duty one of a party's counted approvals must hold, if any. */
export function requiredDutyOf(decision: DecisionDefinition, party: string): 'security' | null {
  const rule = decision.require_duty;
  if (rule === undefined) return null;
  return typeof rule === 'string' ? rule : (rule[party] ?? null);
}

function approversOf(def: ProgramDefinition, party: string): string[] {
  return def.roles.filter((r) => r.party === party && r.duties.includes('approver')).map((r) => r.id);
}

function hasDuty(def: ProgramDefinition, role: string, duty: string): boolean {
  return def.roles.some((r) => r.id === role && (r.duties as readonly string[]).includes(duty));
}

/**
 * Count a party's approvals of a decision. `bindsTarget`: a GO counts only for the target it was
 * cast for. The latest verdict of each approver role counts once; two roles signing with one key
 * count once (the same person).
 */
export function partyQuorum(state: ProgramState, def: ProgramDefinition, decision: DecisionDefinition, party: string, bindsTarget: boolean, now: Date): PartyQuorum {
  const approvers = approversOf(def, party);
  const latest: RoleVerdictRecord[] = Object.entries(state.roleVerdicts[decision.id] ?? {})
    .filter(([role, v]) => v.party === party && approvers.includes(role))
    .map(([, v]) => v)
    .sort((a, b) => a.seq - b.seq);
  const publisher = decision.independent_of?.includes('target.published') === true && state.target !== null ? state.target.actor : null;
  const current = targetRef(state.target);
  const validMs = decision.valid_for === undefined ? null : durationMs(decision.valid_for);

  const counted: CountedApproval[] = [];
  const notCounted: NotCountedApproval[] = [];
  const noGo: PartyQuorum['noGo'][number][] = [];
  const keys = new Set<string>();
  for (const v of latest) {
    const base = { role: v.actor, at: v.at, seq: v.seq };
    if (v.verdict === 'NO-GO') {
      noGo.push(base);
      continue;
    }
    const expiresAt = validMs === null ? null : new Date(Date.parse(v.at) + validMs).toISOString();
    const skip = (reason: NotCountedReason, detail: string, expiredAt: string | null = null) => notCounted.push({ ...base, reason, detail, expiredAt });
    if (bindsTarget && !sameTarget(v.target, current)) {
      skip('stale', `GO by ${v.actor} (seq ${v.seq}) was cast for target ${describeTarget(v.target)}, but the current target is ${describeTarget(current)}`);
    } else if (v.actor === publisher) {
      skip('publisher', `GO by ${v.actor} (seq ${v.seq}) does not count: that role published the target ${describeTarget(current)} (independent_of: target.published)`);
    } else if (expiresAt !== null && now.getTime() >= Date.parse(expiresAt)) {
      skip('expired', `GO by ${v.actor} (seq ${v.seq}, ${v.at}) expired at ${expiresAt} (valid_for ${decision.valid_for})`, expiresAt);
    } else if (keys.has(v.key)) {
      skip('same-key', `GO by ${v.actor} (seq ${v.seq}) was signed with a key that already signed a counted GO: one key counts once`);
    } else {
      keys.add(v.key);
      counted.push({ ...base, expiresAt });
    }
  }
  const required = requiredApprovals(decision, party);
  const requiredDuty = requiredDutyOf(decision, party);
  const dutyMet = requiredDuty === null || counted.some((c) => hasDuty(def, c.role, requiredDuty));
  const short = Math.max(0, required - counted.length);
  const missing = Math.max(short, dutyMet ? 0 : 1);
  const mayStillSign = approvers.filter((r) => r !== publisher && !counted.some((c) => c.role === r));
  return { party, required, requiredDuty, counted, notCounted, noGo, mayStillSign, missing, dutyMet, holds: noGo.length === 0 && missing === 0 };
}

/** The blocker lines for one party that does not meet its quorum (empty when it does). */
export function quorumDetails(def: ProgramDefinition, q: PartyQuorum, partyName: string): string[] {
  if (q.holds) return [];
  const lines: string[] = [];
  for (const n of q.noGo) lines.push(`${partyName}: NO-GO by ${n.role} at ${n.at} (seq ${n.seq}); it stands until ${n.role} casts GO`);
  const signed = q.counted.map((c) => c.role);
  if (q.missing > 0) {
    const duty = q.requiredDuty;
    const dutyRoles = duty === null ? [] : q.mayStillSign.filter((r) => hasDuty(def, r, duty));
    lines.push(
      `${partyName}: ${q.counted.length} of ${q.required} approval${q.required === 1 ? '' : 's'}` +
        ` (signed: ${signed.length ? signed.join(', ') : 'none'}); ${q.missing} missing` +
        (q.dutyMet ? '' : `, one of them with duty ${duty} (${dutyRoles.length ? dutyRoles.join(', ') : 'no approver has it'})`) +
        `; may still sign: ${q.mayStillSign.length ? q.mayStillSign.join(', ') : 'no one'}`,
    );
  }
  for (const n of q.notCounted) lines.push(`${partyName}: ${n.detail}`);
  return lines;
}
