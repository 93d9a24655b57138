/**
 * Who may record what. One rule set, used both when a command is decided and when `verify`
 * replays the ledger, so a hand-appended line is held to the same rules as a CLI command.
 */
import { NotAuthorizedError } from '../errors.js';
import type { DutyName, PartyDefinition, ProgramDefinition, RoleDefinition } from '../program/schema.js';
import type { EventDraft } from './events.js';

type PartyKindName = PartyDefinition['kind'];

export const JOINT = 'joint';

export function findRole(def: ProgramDefinition, role: string): RoleDefinition | undefined {
  return def.roles.find((r) => r.id === role);
}

function rolesWith(def: ProgramDefinition, duty: DutyName, party?: string): string[] {
  return def.roles.filter((r) => r.duties.includes(duty) && (party === undefined || r.party === party)).map((r) => r.id);
}

function needOneOf(roles: string[], what: string): string {
  return roles.length === 0 ? `${what}, and the program defines none` : `${what}: ${roles.join(', ')}`;
}

/**
 * Check that `draft.actor` may record `draft`, under `def` (the definition in force before the
 * event; for `program.defined`, the definition it introduces). Returns null when allowed. `role`:
 * the actor's role in `def`, when the caller has already looked it up.
 */
export function authorize(def: ProgramDefinition, draft: EventDraft, role: RoleDefinition | undefined = findRole(def, draft.actor)): NotAuthorizedError | null {
  if (role === undefined) {
    return new NotAuthorizedError(draft.actor, `record ${draft.type}`, `no such role in the program (roles: ${def.roles.map((r) => r.id).join(', ')})`);
  }
  const refuse = (action: string, needed: string) => new NotAuthorizedError(role.id, action, needed);
  switch (draft.type) {
    case 'program.defined':
    case 'program.amended':
      return role.duties.includes('decision-log-owner')
        ? null
        : refuse(`record ${draft.type}`, needOneOf(rolesWith(def, 'decision-log-owner'), 'it needs the joint decision-log owner role'));
    case 'phase.started':
    case 'phase.closed':
    case 'phase.completed':
      return role.duties.includes('decision-log-owner')
        ? null
        : refuse(`record ${draft.type}`, needOneOf(rolesWith(def, 'decision-log-owner'), 'phases are moved by the joint decision-log owner role'));
    case 'verdict.cast': {
      const { party } = draft.data;
      if (!role.duties.includes('approver') || role.party !== party) {
        return refuse(`cast a verdict for ${party}`, needOneOf(rolesWith(def, 'approver', party), `a verdict needs an approver role of ${party}`));
      }
      return null;
    }
    case 'target.published': {
      const producers = def.parties.filter((p) => p.kind === 'producer').map((p) => p.id);
      return producers.includes(role.party)
        ? null
        : refuse('publish a runtime target', `targets are published by a role of a producer party (${producers.join(', ')})`);
    }
    case 'evidence.added': {
      const { party } = draft.data;
      return role.party === party
        ? null
        : refuse(`add evidence for ${party}`, needOneOf(def.roles.filter((r) => r.party === party).map((r) => r.id), `evidence is recorded by a role of ${party}`));
    }
    case 'incident.declared':
    case 'incident.notified':
    case 'incident.rollback-recommended':
    case 'incident.rollback-executed':
    case 'incident.repin-confirmed':
    case 'incident.updated':
    case 'incident.summarized':
    case 'incident.approved':
    case 'incident.closed':
      return authorizeIncidentStep(def, role.id, draft.type, draft.data.party);
    case 'clock.corrected':
      return role.duties.includes('decision-log-owner')
        ? null
        : refuse('correct the clock', needOneOf(rolesWith(def, 'decision-log-owner'), 'the ledger\'s time is corrected by the joint decision-log owner role'));
    case 'review.recorded':
    case 'notice.given':
      // Reviews and notices are the decision-log owner's, like the phases they concern.
      return role.duties.includes('decision-log-owner')
        ? null
        : refuse(`record ${draft.type}`, needOneOf(rolesWith(def, 'decision-log-owner'), 'reviews and notices are recorded by the joint decision-log owner role'));
    case 'target.verified':
      // Anyone taking part may re-check the target against the producer's repository (a consumer's CI does).
      return null;
    case 'blocker.raised':
    case 'blocker.resolved':
      // Anyone taking part may raise a concern or clear one they own; both are signed and logged.
      return null;
    default:
      return assertNeverDraft(draft);
  }
}

/**
 * Whether `authorize` gives an event of `type` recorded by `actor` for `party` the verdict it gave
 * `event`: it reads nothing of an event but its type, its actor and the party its data speaks for
 * (as `authorizeIncidentStep` does, for a role that exists). Admission decides a line again after
 * the fold authorized the line itself: the event it derives is not authorized a second time.
 */
export function sameAuthority(event: Pick<EventDraft, 'type' | 'actor' | 'data'>, type: EventDraft['type'], actor: string, party: unknown): boolean {
  return event.type === type && event.actor === actor && partyOf(event) === party;
}

/** The party an event's data speaks for, if it names one. */
export function partyOf(event: Pick<EventDraft, 'data'>): unknown {
  return (event.data as { readonly party?: unknown }).party;
}

export type IncidentEventType = Extract<EventDraft['type'], `incident.${string}`>;

/** Who records each incident step: the party kind it must speak for, the duties that may, and what the step is called. */
const INCIDENT_STEPS: Record<IncidentEventType, { readonly what: string; readonly kind?: PartyKindName; readonly duties: readonly DutyName[] }> = {
  'incident.declared': { what: 'declare an incident', duties: ['incident-commander', 'rollback-owner', 'automation'] },
  'incident.notified': { what: 'send the initial notice of an incident', duties: ['incident-commander', 'rollback-owner'] },
  'incident.rollback-recommended': { what: 'recommend a rollback', kind: 'producer', duties: ['incident-commander', 'rollback-owner'] },
  'incident.rollback-executed': { what: 'record a rollback as executed', kind: 'producer', duties: ['incident-commander', 'rollback-owner'] },
  'incident.repin-confirmed': { what: 'confirm a repin', kind: 'consumer', duties: ['incident-commander', 'rollback-owner'] },
  'incident.updated': { what: 'update an incident', duties: ['incident-commander', 'rollback-owner', 'automation'] },
  'incident.summarized': { what: 'record the incident summary', duties: ['incident-commander', 'rollback-owner'] },
  'incident.approved': { what: 'approve the incident summary', duties: ['rollback-owner'] },
  'incident.closed': { what: 'close an incident', duties: ['incident-commander', 'rollback-owner'] },
};

const DUTY_TITLE: Record<DutyName, string> = {
  approver: 'approver',
  'incident-commander': 'incident commander',
  'rollback-owner': 'rollback owner',
  'decision-log-owner': 'decision-log owner',
  automation: 'automation',
  security: 'security owner',
};

/**
 * May `roleId` record incident step `type` for `party`? Only the incident commander or rollback
 * owner of that party (the owner alone approves a summary); a rollback recommendation and its
 * execution come from a producer party, a repin confirmation from a consumer party.
 */
export function authorizeIncidentStep(def: ProgramDefinition, roleId: string, type: IncidentEventType, party: string): NotAuthorizedError | null {
  const role = findRole(def, roleId);
  const rule = INCIDENT_STEPS[type];
  const partyDef = def.parties.find((p) => p.id === party);
  // Refusals name the people who may; automation (alerts) is described with the incident policy.
  const people = rule.duties.filter((d) => d !== 'automation');
  const who = people.map((d) => DUTY_TITLE[d]).join(' or ');
  if (rule.kind !== undefined && partyDef?.kind !== rule.kind) {
    const parties = def.parties.filter((p) => p.kind === rule.kind);
    const roles = parties.flatMap((p) => people.flatMap((d) => rolesWith(def, d, p.id)));
    return new NotAuthorizedError(
      roleId,
      `${rule.what} for ${party}`,
      needOneOf([...new Set(roles)], `it is recorded by the ${who} of a ${rule.kind} party (${parties.map((p) => p.id).join(', ')})`),
    );
  }
  // An automation role held jointly (one alert bridge for the program) acts for any party; people act for their own.
  const speaksFor = role !== undefined && (role.party === party || (role.party === JOINT && actsAsAutomation(role, party)));
  if (role === undefined || !speaksFor || !rule.duties.some((d) => role.duties.includes(d))) {
    const roles = people.flatMap((d) => rolesWith(def, d, party));
    return new NotAuthorizedError(roleId, `${rule.what} for ${party}`, needOneOf([...new Set(roles)], `it needs the ${who} of ${party}`));
  }
  return null;
}

/**
 * Does `role` record incident steps for `party` as automation rather than as a person: its duties
 * give it no incident commander or rollback owner standing for that party, only `automation`? Such
 * a role declares only the severities incidents.automation lists, and changes no severity.
 */
export function actsAsAutomation(role: RoleDefinition, party: string): boolean {
  if (!role.duties.includes('automation')) return false;
  const person = role.party === party && (role.duties.includes('incident-commander') || role.duties.includes('rollback-owner'));
  return !person;
}

function assertNeverDraft(draft: never): never {
  throw new Error(`unknown event type: ${JSON.stringify(draft)}`);
}

export type KeyCheck = 'ok' | 'unknown-key' | 'key-not-allowed';

/** Is `key` one of `actor`'s keys in `def` (`role`: the actor's role there, if already looked up)? Tells an unknown key from another role's key. */
export function checkKey(def: ProgramDefinition, actor: string, key: string, role: RoleDefinition | undefined = findRole(def, actor)): KeyCheck {
  if (role?.keys.includes(key)) return 'ok';
  return def.roles.some((r) => r.keys.includes(key)) ? 'key-not-allowed' : 'unknown-key';
}

export function rolesHoldingKey(def: ProgramDefinition, key: string): string[] {
  return def.roles.filter((r) => r.keys.includes(key)).map((r) => r.id);
}
