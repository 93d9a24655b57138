/**
 * The incident notice as markdown, from its versioned JSON shape (app/incident-notice.ts): the
 * fields of the program's notice template, then the deadlines and the steps recorded so far.
 */
import { inlineText } from './inline-text.js';
import type { IncidentNotice } from '../app/incident-notice.js';
import { deadlineText } from './deadline.js';

const target = (t: { tag: string; sha: string } | null) => (t === null ? 'none recorded' : `\`${t.tag}\` @ \`${t.sha}\``);

export function renderIncidentNotice(n: IncidentNotice): string {
  const i = n.incident;
  const out: string[] = [
    `# Incident Notice: ${i.id}`,
    '',
    `Program: ${n.program.title} (\`${n.program.id}\`)  `,
    `Ledger: \`${n.program.id}\` seq ${n.ledger.seq}, head \`${n.ledger.head ?? '(empty)'}\`  `,
    `Status: **${i.status === 'open' ? 'Open' : `Closed ${i.closedAt}`}** · ${i.severity}${i.severityDescription === null ? '' : ` (${i.severityDescription})`}  `,
    `Declared: ${i.declaredAt} by ${i.declaredBy} for ${i.party.name}; trigger identified ${i.identifiedAt}`,
    '',
    '## Incident ID',
    i.id,
    '',
    '## Trigger Type',
    `\`${n.trigger.id}\`${n.trigger.description === null ? '' : `: ${n.trigger.description}`} (minimum ${n.trigger.minimumSeverity ?? 'unknown'}; required action: ${n.trigger.action})`,
    '',
    '## Affected Contract Mode',
    inlineText(n.affectedContractMode),
    '',
    '## Current And Rollback Target',
    `- Current target: ${target(n.currentTarget)}`,
    `- Rollback target: ${target(n.rollbackTarget)}`,
    ...(n.rollback === null
      ? ['- Rollback: not executed']
      : [
          `- Rollback: executed ${n.rollback.executedAt} by ${n.rollback.executedBy}; baseline restored to ${target(n.rollback.restoredBaseline)}${
            n.rollback.phasesMovedBack.length === 0 ? '' : `; Phase ${n.rollback.phasesMovedBack.join(', ')} moved back to not-started`
          }`,
        ]),
    '',
    '## Impact Summary',
    inlineText(n.impactSummary),
    '',
    '## Immediate Actions',
    ...n.immediateActions.map((a, k) => `${k + 1}. ${inlineText(a)}`),
    '',
    '## Next Update ETA',
    n.nextUpdateEta ?? (i.status === 'closed' ? 'none: the incident is closed' : 'none scheduled'),
    '',
    '## Deadlines',
    ...n.deadlines.map((d) => `- ${d.title} (${d.within} after ${d.after === 'identified' ? 'the trigger is identified' : 'the rollback'}): ${deadlineText(d)}`),
    '',
    '## Timeline',
    ...n.timeline.map((e) => `- ${e.at} · seq ${e.seq} · ${e.role}: ${inlineText(e.text)}`),
  ];
  if (n.summary !== null) out.push('', '## Joint Summary', inlineText(n.summary.text), '', `Residual risk: ${inlineText(n.summary.residualRisk)}`);
  return out.join('\n') + '\n';
}
