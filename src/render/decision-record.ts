/**
 * The decision record (the seed's document family): one party's view of the joint decision
 * state, rendered from the evaluation alone. Same ledger, same bytes.
 */
import type { Evaluation, PhaseStatus } from '../domain/evaluate.js';
import type { DutyName, ProgramDefinition, RecordDefinition } from '../program/schema.js';

const STATUS_LABEL: Record<PhaseStatus['status'], string> = {
  'not-started': 'Not Started',
  active: 'Active',
  closed: 'Closed',
  complete: 'Complete',
};

const OWNERSHIP_DUTIES: readonly { duty: DutyName; label: string }[] = [
  { duty: 'incident-commander', label: 'incident commander' },
  { duty: 'rollback-owner', label: 'rollback owner' },
  { duty: 'decision-log-owner', label: 'decision log owner' },
];

/** The provenance line: which ledger state a record shows, so two mirrors compare at a glance. */
export function provenanceLine(ev: Evaluation): string {
  return `Ledger: \`${ev.program.id}\` seq ${ev.seq}, head \`${ev.head ?? '(empty)'}\`  `;
}

export function renderDecisionRecord(ev: Evaluation, def: ProgramDefinition, record: RecordDefinition): string {
  const out: string[] = [];
  const section = (title: string, lines: readonly string[]) => {
    if (lines.length === 0) return;
    out.push('', `## ${title}`, ...lines);
  };
  const partyName = (id: string) => def.parties.find((p) => p.id === id)?.name ?? id;

  out.push(`# ${record.title}`, '', provenanceLine(ev), `Updated: ${(ev.at ?? '').slice(0, 10)}  `, `Owner: ${ownerLine(def)}`);

  section('Decision Scope', [`${record.scope ?? `${record.title} of the joint decision state`} ${phasePosition(ev)}.`]);

  section('Decision Outcome', ev.decisions.map((d, i) => `${i + 1}. ${d.title}: **${d.outcome}**`));

  if (ev.window !== null) {
    const note = ev.window.notes[record.party];
    section('Runtime Cutover Window', [
      `- Status: **${ev.window.approved ? 'Approved' : 'Not approved'}**`,
      ...(note === undefined ? [] : [`- Notes: ${note}`]),
    ]);
  }

  const ownership: string[] = [];
  for (const { duty, label } of OWNERSHIP_DUTIES) {
    for (const holder of [...def.parties.map((p) => p.id), 'joint']) {
      for (const role of def.roles.filter((r) => r.party === holder && r.duties.includes(duty))) {
        const who = holder === 'joint' ? 'Joint' : partyName(holder);
        ownership.push(`- ${who} ${label} role: ${role.title}`);
      }
    }
  }
  section('Ownership (Named Roles)', ownership);

  const inputs = (record.inputs ?? []).flatMap((id) => {
    const input = def.records.find((r) => r.id === id)!;
    const repo = def.parties.find((p) => p.id === input.party)?.repo ?? input.party;
    return [`- ${input.label ?? input.title}:`, `  - ${repo}: \`${input.path}\``];
  });
  section('Decision Inputs', inputs);

  if (ev.nextPhase !== null) {
    const blockers = ev.blockers.flatMap((b, i) => [`${i + 1}. ${b.text}`, ...b.missing.map((m) => `   - ${m}`)]);
    section(`Remaining Blockers Before Phase ${ev.nextPhase} Start`, blockers.length > 0 ? blockers : ['None: every entry gate holds.']);
  }

  section('Phase Status Mapping', shownPhases(ev).map((p) => `- Phase ${p.id}: **${STATUS_LABEL[p.status]}** (${p.reason})`));
  return out.join('\n') + '\n';
}

function ownerLine(def: ProgramDefinition): string {
  const names = def.parties.map((p) => p.name).join(' + ');
  return `${names} (${def.parties.length === 2 ? 'bilateral' : 'joint'})`;
}

/** "at the end of Phase 7", "during Phase 8", "before Phase 7". */
function phasePosition(ev: Evaluation): string {
  const active = ev.phases.find((p) => p.status === 'active');
  if (active !== undefined) return `during Phase ${active.id}`;
  const ended = ev.phases.filter((p) => p.status === 'closed' || p.status === 'complete');
  const last = ended[ended.length - 1];
  if (last !== undefined) return `at the end of Phase ${last.id}`;
  return `before Phase ${ev.phases[0]?.id ?? '?'}`;
}

/** Phases that have begun, and the next one to start; later ones only wait on it. */
function shownPhases(ev: Evaluation): PhaseStatus[] {
  const next = ev.phases.findIndex((p) => p.status === 'not-started');
  return next === -1 ? [...ev.phases] : ev.phases.slice(0, next + 1);
}
