/**
 * An event in words, one line: what `log`, the recording commands and the dashboard's timeline say
 * of it. Shared by every way out, so the CLI and the server describe an event the same way.
 */
import type { LedgerEvent } from '../domain/events.js';
import { describeTarget } from '../domain/evaluate.js';
import { showOnOneLine } from './visible-text.js';

/** One line saying what an event records: a note's line feed or control character is shown, not obeyed. */
export function describeEvent(e: LedgerEvent): string {
  return showOnOneLine(eventWords(e));
}

function eventWords(e: LedgerEvent): string {
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
    case 'clock.corrected':
      return `clock corrected: the lines from seq ${e.data.misdatedFrom} to seq ${e.seq - 1} were dated in the future; time goes on from this line: ${e.data.reason}`;
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
