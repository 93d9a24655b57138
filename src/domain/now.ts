/**
 * The "now" list: what must happen next, most urgent first, and who must act. Derived once from an
 * evaluation, so `status`, the API, the program page and the overview show the same list. Pure.
 *
 * Its order: every deadline overdue or due soon (incident deadlines, incident updates, phase reviews,
 * manual blockers' due dates, the cutover window closing before its phase started), the one due
 * earliest first, so the most overdue leads; then the open incidents; then the blockers.
 */
import type { SeverityName } from '../program/schema.js';
import type { DeadlineId } from './incidents.js';
import { roleOf } from './incidents.js';
import { blockerOverdueFrom, resolveBlockerCommand, type Blocker, type Evaluation, type IncidentView, type ManualBlockerView } from './evaluate.js';

/** A deadline is due soon from this long before it falls due until it is overdue. */
export const DUE_SOON_MS = 60 * 60_000;

/** A party that must act, and the role of it that should, when one is named. */
export interface Owed {
  readonly party: string;
  readonly role: string | null;
}

export type NowDeadlineKind = 'incident-deadline' | 'incident-update' | 'review' | 'blocker-due' | 'window-closes';

export interface NowDeadline {
  readonly kind: 'deadline';
  readonly deadline: NowDeadlineKind;
  /** The same deadline has the same key at every evaluation. */
  readonly key: string;
  /** What is due, in words: "INC-1 initial notice". */
  readonly what: string;
  readonly due: string;
  readonly state: 'overdue' | 'due-soon';
  /** How late, while overdue. */
  readonly overdueByMs: number | null;
  /** How long is left, while due soon. */
  readonly dueInMs: number | null;
  readonly owedBy: readonly Owed[];
  /** The commands that meet it. */
  readonly commands: readonly string[];
  /** The incident, blocker or phase it belongs to (null for the window). */
  readonly incident: string | null;
  readonly blocker: string | null;
  readonly phase: string | null;
}

export interface NowIncident {
  readonly kind: 'incident';
  readonly key: string;
  readonly incident: string;
  readonly severity: SeverityName;
  readonly summary: string;
  readonly party: string;
  /** The incident commander: the role of the incident's party that leads it. */
  readonly commander: Owed;
  /** What it still needs before it can close, as commands, in protocol order. */
  readonly commands: readonly string[];
}

export interface NowBlocker {
  readonly kind: 'blocker';
  readonly key: string;
  /** The gate id, or the manual blocker's id. */
  readonly blocker: string;
  readonly manual: boolean;
  readonly what: string;
  readonly details: readonly string[];
  readonly owner: Owed;
  /** The parties it waits on: those the gate names, else the owner's party. */
  readonly waitingOn: readonly Owed[];
  /** A manual blocker's due date (YYYY-MM-DD), else null. */
  readonly due: string | null;
  readonly commands: readonly string[];
}

export type NowItem = NowDeadline | NowIncident | NowBlocker;

/** The parties that must act next, each with the roles named, in the order of the list. */
export interface Move {
  readonly party: string;
  readonly roles: readonly string[];
}

export interface NowList {
  /** The evaluation time the list holds at. */
  readonly at: string;
  readonly items: readonly NowItem[];
  readonly whoseMove: readonly Move[];
  readonly mostUrgent: NowItem | null;
  /**
   * The first instant after `at` at which the list changes with time alone (a deadline becomes due
   * soon or overdue, the window closes, a gate of the next phase holds or fails), or null: until then,
   * only how late or how long is left moves.
   */
  readonly nextChangeAt: string | null;
}

/** A deadline before it is placed on the list: when it falls due and from when it is overdue. */
interface Candidate {
  readonly deadline: NowDeadlineKind;
  readonly key: string;
  readonly what: string;
  readonly due: number;
  /** The first instant it is overdue (the rule of its kind: a day's end, or the first instant after `due`); null: never. */
  readonly overdueFrom: number | null;
  readonly owedBy: readonly Owed[];
  readonly commands: readonly string[];
  readonly incident?: string;
  readonly blocker?: string;
  readonly phase?: string;
}

export function nowOf(ev: Evaluation): NowList {
  const t = Date.parse(ev.evaluatedAt);
  const candidates = deadlineCandidates(ev);
  const deadlines = candidates
    .filter((c) => t >= c.due - DUE_SOON_MS)
    .sort((a, b) => a.due - b.due || a.key.localeCompare(b.key))
    .map((c) => placed(c, t));
  const items: NowItem[] = [...deadlines, ...ev.openIncidents.map((i) => incidentItem(ev, i)), ...blockerItems(ev)];
  const edges = candidates.flatMap((c) => (c.overdueFrom === null ? [c.due - DUE_SOON_MS] : [c.due - DUE_SOON_MS, c.overdueFrom]));
  const closes = windowCloses(ev);
  if (closes !== null) edges.push(closes);
  if (ev.blockersChangeAt !== null) edges.push(Date.parse(ev.blockersChangeAt));
  const future = edges.filter((e) => e > t);
  return {
    at: ev.evaluatedAt,
    items,
    whoseMove: movesOf(items),
    mostUrgent: items[0] ?? null,
    nextChangeAt: future.length === 0 ? null : new Date(Math.min(...future)).toISOString(),
  };
}

function placed(c: Candidate, t: number): NowDeadline {
  const overdue = c.overdueFrom !== null && t >= c.overdueFrom;
  return {
    kind: 'deadline',
    deadline: c.deadline,
    key: c.key,
    what: c.what,
    due: new Date(c.due).toISOString(),
    state: overdue ? 'overdue' : 'due-soon',
    overdueByMs: overdue ? t - c.due : null,
    dueInMs: overdue ? null : c.due - t,
    owedBy: c.owedBy,
    commands: c.commands,
    incident: c.incident ?? null,
    blocker: c.blocker ?? null,
    phase: c.phase ?? null,
  };
}

/** Every deadline not yet met that time alone can make due soon or overdue. */
function deadlineCandidates(ev: Evaluation): Candidate[] {
  return [...ev.openIncidents.flatMap((i) => incidentCandidates(ev, i)), ...reviewCandidates(ev), ...ev.manualBlockers.map((b) => blockerCandidate(ev, b)), ...windowCandidate(ev)];
}

// The incident steps that meet each deadline, by the verb of their command (incidents.ts closeChecklist).
const MEETS: Readonly<Record<DeadlineId, readonly string[]>> = {
  'initial-notice': ['notify'],
  'rollback-recommendation': ['recommend-rollback'],
  'repin-confirmation': ['confirm-repin'],
  'joint-summary': ['summary', 'approve'],
};

function incidentCandidates(ev: Evaluation, i: IncidentView): Candidate[] {
  const commander = commanderOf(ev, i);
  const found: Candidate[] = i.deadlines
    // A deadline met (on time or late) is done; one waiting for its clock to start cannot fall due.
    .filter((d) => d.doneAt === null && d.due !== null)
    .map((d) => {
      const commands = i.missing.map((m) => m.command).filter((c) => MEETS[d.id].some((verb) => c.includes(`cutover incident ${verb} `)));
      const owedBy = dedupe(commands.map((c) => owedByCommand(ev, c) ?? { party: i.party, role: null }));
      return {
        deadline: 'incident-deadline' as const,
        key: `incident:${i.id}:${d.id}`,
        what: `${i.id} ${d.title}`,
        due: Date.parse(d.due!),
        // incidents.ts: overdue from the first instant after the due time.
        overdueFrom: Date.parse(d.due!) + 1,
        owedBy: owedBy.length > 0 ? owedBy : [commander],
        commands,
        incident: i.id,
      };
    });
  if (i.nextUpdate !== null) {
    // The same rule as the protocol's deadlines: an update at the due time is on time.
    found.push({
      deadline: 'incident-update',
      key: `incident:${i.id}:update`,
      what: `${i.id} next update`,
      due: Date.parse(i.nextUpdate),
      overdueFrom: Date.parse(i.nextUpdate) + 1,
      owedBy: [commander],
      commands: [`cutover incident update ${i.id} --note "…" --as ${commander.role ?? `<incident commander of ${i.party}>`}`],
      incident: i.id,
    });
  }
  return found;
}

function reviewCandidates(ev: Evaluation): Candidate[] {
  const owner = logOwner(ev);
  return ev.reviews.map((r) => ({
    deadline: 'review' as const,
    key: `review:${r.phase}`,
    what: `review of Phase ${r.phase}`,
    due: Date.parse(r.due),
    // timing.ts: overdue from the first instant after the due time.
    overdueFrom: Date.parse(r.due) + 1,
    owedBy: owner === null ? [] : [owner],
    commands: [`cutover review record ${r.phase} --note "…" --as ${owner?.role ?? '<role>'}`],
    phase: r.phase,
  }));
}

function blockerCandidate(ev: Evaluation, b: ManualBlockerView): Candidate {
  const overdueFrom = blockerOverdueFrom(b);
  return {
    deadline: 'blocker-due',
    key: `blocker:${b.id}:due`,
    what: `${b.id}: ${b.text}`,
    // Due by the end of its due day.
    due: overdueFrom,
    overdueFrom,
    owedBy: [partyOfRole(ev, b.owner)],
    commands: [resolveBlockerCommand(b)],
    blocker: b.id,
  };
}

/** The phase that executes the window's decision, while it has not started. */
function windowPhase(ev: Evaluation): string | null {
  if (ev.window === null) return null;
  const phase = ev.phases.find((p) => p.decision === ev.window!.decision);
  return phase === undefined || phase.status !== 'not-started' ? null : phase.id;
}

/** When the cutover window closes, while its phase has not started and it has not closed. */
function windowCloses(ev: Evaluation): number | null {
  const closes = ev.window?.time?.closes ?? null;
  if (closes === null || windowPhase(ev) === null) return null;
  return Date.parse(ev.evaluatedAt) < Date.parse(closes) ? Date.parse(closes) : null;
}

/** The window closing is due soon before it closes; once closed it is a blocker of its phase, not a deadline. */
function windowCandidate(ev: Evaluation): Candidate[] {
  const closes = windowCloses(ev);
  const phase = windowPhase(ev);
  if (closes === null || phase === null) return [];
  const owner = logOwner(ev);
  return [
    {
      deadline: 'window-closes',
      key: 'window:closes',
      what: `the cutover window closes: Phase ${phase} starts before, or not in it`,
      due: closes,
      // Never overdue: from `closes` on it leaves the list (a closed window is a blocker of its phase).
      overdueFrom: null,
      owedBy: owner === null ? [] : [owner],
      commands: [`cutover phase start ${phase} --as ${owner?.role ?? '<role>'}`],
      phase,
    },
  ];
}

function incidentItem(ev: Evaluation, i: IncidentView): NowIncident {
  return {
    kind: 'incident',
    key: `incident:${i.id}`,
    incident: i.id,
    severity: i.severity,
    summary: i.summary,
    party: i.party,
    commander: commanderOf(ev, i),
    commands: i.missing.map((m) => m.command),
  };
}

function blockerItems(ev: Evaluation): NowBlocker[] {
  // The manual blockers are listed one by one, each with its owner: the gate that sums them up is not.
  const gates = ev.blockers.filter((b) => b.kind !== 'no-manual-blockers').map((b) => gateItem(ev, b));
  const manual = ev.manualBlockers.map((b): NowBlocker => {
    const owner = partyOfRole(ev, b.owner);
    return { kind: 'blocker', key: `blocker:${b.id}`, blocker: b.id, manual: true, what: b.text, details: [], owner, waitingOn: [owner], due: b.due, commands: [resolveBlockerCommand(b)] };
  });
  return [...gates, ...manual];
}

function gateItem(ev: Evaluation, b: Blocker): NowBlocker {
  const owner = partyOfRole(ev, b.owner.role);
  const named = b.clear.map((c) => owedByCommand(ev, c)).filter((o): o is Owed => o !== null);
  // The roles a gate's commands name speak for its parties; a gate that waits on no party waits on its owner.
  const waitingOn =
    b.waitingOn.length === 0
      ? [owner]
      : b.waitingOn.flatMap((party) => {
          const roles = named.filter((o) => o.party === party);
          return roles.length > 0 ? roles : [{ party, role: null }];
        });
  return { kind: 'blocker', key: `gate:${b.gate}`, blocker: b.gate, manual: false, what: b.text, details: b.details, owner, waitingOn: dedupe(waitingOn), due: null, commands: b.clear };
}

function movesOf(items: readonly NowItem[]): Move[] {
  const moves = new Map<string, string[]>();
  const owedOf = (item: NowItem): readonly Owed[] => (item.kind === 'deadline' ? item.owedBy : item.kind === 'incident' ? [item.commander] : item.waitingOn);
  for (const owed of items.flatMap(owedOf)) {
    const roles = moves.get(owed.party) ?? [];
    if (owed.role !== null && !roles.includes(owed.role)) roles.push(owed.role);
    moves.set(owed.party, roles);
  }
  return [...moves].map(([party, roles]) => ({ party, roles }));
}

function commanderOf(ev: Evaluation, i: IncidentView): Owed {
  // The role incidents.ts names in the incident's own commands.
  const role = roleOf(ev, i.party, 'incident-commander', 'rollback-owner');
  return { party: i.party, role: ev.roles.some((r) => r.id === role) ? role : null };
}

function logOwner(ev: Evaluation): Owed | null {
  const role = ev.roles.find((r) => r.duties.includes('decision-log-owner')) ?? ev.roles[0];
  return role === undefined ? null : { party: role.party, role: role.id };
}

function partyOfRole(ev: Evaluation, role: string): Owed {
  const found = ev.roles.find((r) => r.id === role);
  return found === undefined ? { party: role, role } : { party: found.party, role };
}

/** The role a suggested command is recorded as (its `--as`), with its party; null when it names none the program defines. */
function owedByCommand(ev: Evaluation, command: string): Owed | null {
  const role = /--as (\S+)\s*$/.exec(command)?.[1];
  const found = role === undefined ? undefined : ev.roles.find((r) => r.id === role);
  return found === undefined ? null : { party: found.party, role: found.id };
}

function dedupe(owed: readonly Owed[]): Owed[] {
  return owed.filter((o, i) => owed.findIndex((p) => p.party === o.party && p.role === o.role) === i);
}
