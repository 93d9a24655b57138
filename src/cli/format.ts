/** Human-readable output. Plain text, no colour: it ends up in CI logs and terminals alike. */
import { deadlineReport } from '../app/status-report.js';
import { decisionReason } from '../domain/decision-reason.js';
import type { Blocker, Evaluation, IncidentView } from '../domain/evaluate.js';
import { deadlineText } from '../render/deadline.js';
import type { LedgerEvent } from '../domain/events.js';
import { describeTarget } from '../domain/evaluate.js';
import { CutoverError, InvalidInputError, PolicyRefusalError } from '../errors.js';

/** A GitHub Actions workflow command: an error annotation on a file. */
export function githubError(file: string, message: string, title?: string): string {
  const escape = (v: string) => v.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const property = (v: string) => escape(v).replace(/:/g, '%3A').replace(/,/g, '%2C');
  return `::error file=${property(file)}${title === undefined ? '' : `,title=${property(title)}`}::${escape(message)}\n`;
}

export function formatBlockers(blockers: readonly Blocker[]): string {
  return blockers
    .map((b, i) => {
      const waiting = b.waitingOn.length === 0 ? '' : ` · waiting on: ${b.waitingOn.join(', ')}`;
      const lines = [`  ${i + 1}. ${b.text}`, `     gate: ${b.gate} · owner: ${b.owner.title} (${b.owner.role})${waiting}`];
      for (const d of b.details) lines.push(`     - ${d}`);
      for (const c of b.clear) lines.push(`     → ${c}`);
      return lines.join('\n');
    })
    .join('\n');
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text + ' '.repeat(width - text.length);
}

export function formatStatus(ev: Evaluation): string {
  const out: string[] = [];
  out.push(`${ev.program.id} — ${ev.program.title}`);
  out.push(`ledger: seq ${ev.seq}, head ${ev.head}, last event ${ev.at}`);
  out.push('', 'Decisions');
  const dWidth = Math.max(...ev.decisions.map((d) => d.id.length)) + 2;
  for (const d of ev.decisions) {
    const verdicts = Object.entries(d.verdicts)
      .map(([party, v]) => `${party} ${v === null ? 'pending' : v.verdict}${v?.stale ? ' (stale)' : ''}`)
      .join(' · ');
    out.push(`  ${pad(d.id, dWidth)}${pad(d.outcome, 7)}${verdicts}`);
    out.push(`  ${pad('', dWidth)}${d.outcome === 'GO' ? '' : 'because: '}${decisionReason(d)}`);
  }
  out.push('', 'Phases');
  const pWidth = Math.max(...ev.phases.map((p) => p.title.length)) + 2;
  for (const p of ev.phases) out.push(`  ${pad(p.id, 4)}${pad(p.title, pWidth)}${pad(p.status, 13)}${p.reason}`);
  out.push('');
  const verified = (t: NonNullable<Evaluation['target']>) => (t.verified ? 'verified' : t.checkedSeq === null ? 'NOT verified' : 'verification FAILED');
  const rolledBack = ev.target?.rolledBack;
  const targetState = (t: NonNullable<Evaluation['target']>) => (rolledBack ? `ROLLED BACK by ${rolledBack.incident} at seq ${rolledBack.seq}` : verified(t));
  out.push(`Target:   ${ev.target === null ? 'none published' : `${describeTarget(ev.target)} ${contracts(ev.target.contracts)} (seq ${ev.target.seq}, ${targetState(ev.target)})`}`);
  out.push(`Baseline: ${ev.baseline === null ? 'none recorded' : `${describeTarget(ev.baseline)} ${contracts(ev.baseline.contracts)}`}`);
  if (ev.rollbackTarget !== null && (ev.baseline === null || ev.rollbackTarget.sha !== ev.baseline.sha)) {
    out.push(`Rollback: ${describeTarget(ev.rollbackTarget)} ${contracts(ev.rollbackTarget.contracts)} (the last approved baseline: where a rollback goes)`);
  }
  if (ev.window !== null) out.push(`Window:   ${ev.window.approved ? 'approved' : 'not approved'} (${ev.window.decision})`);
  if (ev.evidence.length > 0) {
    out.push('', 'Evidence (latest per party, kind and target)');
    for (const e of ev.evidence) {
      out.push(`  ${pad(e.party, 16)}${pad(e.kind, 20)}${pad(e.result.toUpperCase(), 6)}${describeTarget(e.target)}${e.stale ? '  STALE' : ''}  (seq ${e.seq})`);
    }
  }
  if (ev.openIncidents.length > 0) {
    out.push('', `Open incidents (deadlines at ${ev.evaluatedAt})`);
    for (const i of ev.openIncidents) out.push(...formatIncident(i));
  }
  if (ev.closedIncidents.length > 0) {
    out.push('', 'Closed incidents (deadlines as they stood at the close)');
    for (const i of ev.closedIncidents) out.push(...formatIncident(i));
  }
  if (ev.nextPhase !== null) {
    out.push('', ev.blockers.length === 0 ? `Phase ${ev.nextPhase} can start: every entry gate holds.` : `Blockers before Phase ${ev.nextPhase} start (${ev.blockers.length})`);
    if (ev.blockers.length > 0) out.push(formatBlockers(ev.blockers));
  }
  return out.join('\n') + '\n';
}

function formatIncident(i: IncidentView): string[] {
  const lines = [
    `  ${i.id}  ${i.severity}  ${i.trigger} → ${i.action}  (${i.party}; declared ${i.at} by ${i.actor}; identified ${i.identifiedAt}${i.closed === null ? '' : `; closed ${i.closed.at}`})`,
    `     ${i.summary}`,
  ];
  if (i.rolledBack !== null) lines.push(`     rolled back ${describeTarget(i.rolledBack.from)} → ${describeTarget(i.rolledBack.to)} at ${i.rolledBack.at} (seq ${i.rolledBack.seq})`);
  const width = Math.max(...i.deadlines.map((d) => d.title.length)) + 2;
  for (const d of i.deadlines) lines.push(`     ${pad(d.title, width)}${deadlineText(deadlineReport(d))}`);
  if (i.missing.length > 0) {
    lines.push(`     before it can close (${i.missing.length}):`);
    for (const m of i.missing) lines.push(`       - ${m.what}`, `         → ${m.command}`);
  }
  return lines;
}

function contracts(c: Readonly<Record<string, string>>): string {
  const list = Object.entries(c).map(([k, v]) => `${k}=${v}`);
  return list.length === 0 ? '' : `[${list.join(', ')}]`;
}

export function formatError(error: unknown): string {
  if (error instanceof CutoverError) {
    const lines =
      error instanceof InvalidInputError && error.problems.length > 1
        ? [`cutover: ${error.problems.length} problems:`, ...error.message.split('\n').map((l) => `  - ${l}`)]
        : [`cutover: ${error.message}`];
    if (error instanceof PolicyRefusalError) lines.push(formatBlockers(error.blockers));
    for (const hint of error.hints) lines.push(`  hint: ${hint}`);
    return lines.join('\n') + '\n';
  }
  return `cutover: internal error: ${(error as Error)?.stack ?? String(error)}\n`;
}

/** One line saying what an event records. */
export function describeEvent(e: LedgerEvent): string {
  switch (e.type) {
    case 'program.defined':
    case 'program.amended':
      return `${e.data.definition.program.id} ${e.data.digest.slice(0, 19)}${e.type === 'program.amended' ? ` — ${e.data.reason}` : ''}`;
    case 'target.published':
      return `${e.data.as} ${e.data.target.tag} @ ${e.data.target.sha}${e.data.verification === null ? ' (not verified)' : ' (verified)'}`;
    case 'target.verified':
      return `${e.data.tag} @ ${e.data.sha}: ${e.data.ok ? 'verified' : `FAILED: ${e.data.problems.join('; ')}`}`;
    case 'verdict.cast':
      return `${e.data.party} ${e.data.verdict} on ${e.data.decision}${e.data.note === undefined ? '' : ` — ${e.data.note}`}`;
    case 'evidence.added':
      return `${e.data.party} ${e.data.kind} ${e.data.result.toUpperCase()} for ${e.data.target.tag}: ${e.data.summary}`;
    case 'blocker.raised':
      return `${e.data.id}: ${e.data.text} (owner ${e.data.owner}, due ${e.data.due})`;
    case 'blocker.resolved':
      return `${e.data.id}: ${e.data.note}`;
    case 'review.recorded':
      return `review of Phase ${e.data.phase}: ${e.data.note}`;
    case 'notice.given':
      return `notice ${e.data.gate}: ${e.data.text}`;
    case 'phase.started':
      return `Phase ${e.data.phase}`;
    case 'phase.closed':
    case 'phase.completed':
      return `Phase ${e.data.phase}: ${e.data.reason}`;
    case 'incident.declared':
      return `${e.data.id} ${e.data.severity} ${e.data.trigger} (${e.data.action}) for ${e.data.party}, identified ${e.data.identifiedAt}: ${e.data.summary}`;
    case 'incident.notified':
      return `${e.data.id}: initial notice by ${e.data.party}${e.data.nextUpdate === null ? '' : `, next update ${e.data.nextUpdate}`}`;
    case 'incident.rollback-recommended':
      return `${e.data.id}: ${e.data.party} recommends rolling back ${describeTarget(e.data.from)} → ${describeTarget(e.data.to)}`;
    case 'incident.rollback-executed':
      return `${e.data.id}: rolled back ${describeTarget(e.data.from)} → ${describeTarget(e.data.to)}${e.data.phases.length === 0 ? '' : `; Phase ${e.data.phases.join(', ')} back to not-started`}`;
    case 'incident.repin-confirmed':
      return `${e.data.id}: ${e.data.party} repinned to ${describeTarget(e.data.target)} (evidence seq ${e.data.evidence})`;
    case 'incident.updated':
      return `${e.data.id}: ${e.data.severity === undefined ? '' : `${e.data.severity}; `}${e.data.note}`;
    case 'incident.summarized':
      return `${e.data.id}: ${e.data.summary} — residual risk: ${e.data.residualRisk}`;
    case 'incident.approved':
      return `${e.data.id}: ${e.data.party} approves the summary (seq ${e.data.summary})`;
    case 'incident.closed':
      return `${e.data.id}: closed on the summary (seq ${e.data.summary}), ${e.data.approvals.length} approvals, ${e.data.evidence.length} pieces of evidence`;
  }
}
