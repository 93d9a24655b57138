/**
 * The first lines of human `status`: the "now" list (src/domain/now.ts, as `status --json` carries
 * it under `now`), most urgent first, then whose move. Each item says what is due and how late, who
 * owes it, and the command that meets it; the sections below `status` give the rest.
 */
import type { NowItemReport, NowReport } from '../app/status-schema.js';
import { PLAIN, type Palette } from './colour.js';
import { wrapCommand, wrapList, wrapText } from './layout.js';

const who = (o: { party: string; role: string | null }) => (o.role === null ? o.party : `${o.party} (${o.role})`);

export function formatNow(now: NowReport, paint: Palette = PLAIN): string[] {
  if (now.items.length === 0) return [paint.heading('Now:') + ' nothing pressing (no deadline due within the hour, no open incident, no blocker)'];
  const out = [paint.heading('Now, most urgent first:')];
  now.items.forEach((item, i) => out.push(...itemLines(item, i + 1, paint)));
  out.push(...wrapList(`${paint.heading('Whose move:')} `, now.whoseMove.map((m) => (m.roles.length === 0 ? m.party : `${m.party} (${m.roles.join(', ')})`)), ', ', '  '));
  return out;
}

function itemLines(item: NowItemReport, n: number, paint: Palette): string[] {
  const first = `  ${n}. `;
  const under = ' '.repeat(first.length);
  // The first line is the item's headline, as `status --json` and the page carry it.
  const paintHeadline = item.kind !== 'deadline' ? (t: string) => t : item.state === 'overdue' ? paint.bad : paint.waiting;
  const lines = wrapText(first, item.headline, under).map((l, i) => (i === 0 ? first + paintHeadline(l.slice(first.length)) : paintHeadline(l)));
  switch (item.kind) {
    case 'deadline':
      lines.push(...wrapList(under, [`due ${item.due}`, ...(item.owedBy.length === 0 ? [] : [`owed by ${item.owedBy.map(who).join(', ')}`])], ' · ', under));
      break;
    case 'incident':
      lines.push(...wrapText(`${under}incident commander: `, who(item.commander), under));
      break;
    case 'blocker':
      lines.push(...wrapList(`${under}waiting on `, item.waitingOn.map(who), ', ', under));
      lines.push(...wrapText(`${under}owner: `, who(item.owner), under));
      break;
  }
  // The first command meets it (or starts to); the sections below list the rest.
  const [command, ...more] = item.commands;
  if (command !== undefined) lines.push(...wrapCommand(`${under}→ `, command, `${under}    `).map(paint.command));
  if (more.length > 0) lines.push(`${under}  (${more.length} more command${more.length === 1 ? '' : 's'} below)`);
  return lines;
}
