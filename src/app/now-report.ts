/**
 * The "now" list (src/domain/now.ts) as `status --json`, the API and the program page carry it:
 * the same items in the same order, with how late and how long left in words and in seconds, and a
 * headline in words that `status` prints and the page shows.
 */
import type { NowItem, NowList } from '../domain/now.js';
import { formatDuration } from '../program/duration.js';
import type { NowItemReport, NowReport } from './status-schema.js';

export function nowReport(list: NowList): NowReport {
  return {
    at: list.at,
    items: list.items.map(itemReport),
    whoseMove: list.whoseMove.map((m) => ({ party: m.party, roles: [...m.roles] })),
    nextChangeAt: list.nextChangeAt,
  };
}

/** What is due and where it stands, in words: "INC-1 initial notice: overdue by 5m". */
export function headline(item: NowItem): string {
  switch (item.kind) {
    case 'deadline':
      return `${item.what}: ${item.state === 'overdue' ? `overdue by ${formatDuration(item.overdueByMs!)}` : `due in ${formatDuration(item.dueInMs!)}`}`;
    case 'incident':
      return `${item.incident} ${item.severity} open: ${item.summary}`;
    case 'blocker':
      return `${item.manual ? `blocker ${item.blocker}` : `gate ${item.blocker}`}: ${item.what}${item.due === null ? '' : ` (due ${item.due})`}`;
  }
}

function itemReport(item: NowItem): NowItemReport {
  const owed = (o: { party: string; role: string | null }) => ({ party: o.party, role: o.role });
  switch (item.kind) {
    case 'deadline':
      return {
        kind: 'deadline',
        key: item.key,
        headline: headline(item),
        deadline: item.deadline,
        what: item.what,
        due: item.due,
        state: item.state,
        overdueBy: item.overdueByMs === null ? null : formatDuration(item.overdueByMs),
        overdueBySeconds: item.overdueByMs === null ? null : item.overdueByMs / 1000,
        dueIn: item.dueInMs === null ? null : formatDuration(item.dueInMs),
        dueInSeconds: item.dueInMs === null ? null : item.dueInMs / 1000,
        owedBy: item.owedBy.map(owed),
        commands: [...item.commands],
        incident: item.incident,
        blocker: item.blocker,
        phase: item.phase,
      };
    case 'incident':
      return {
        kind: 'incident',
        key: item.key,
        headline: headline(item),
        incident: item.incident,
        severity: item.severity,
        summary: item.summary,
        party: item.party,
        commander: owed(item.commander),
        commands: [...item.commands],
      };
    case 'blocker':
      return {
        kind: 'blocker',
        key: item.key,
        headline: headline(item),
        blocker: item.blocker,
        manual: item.manual,
        what: item.what,
        details: [...item.details],
        owner: owed(item.owner),
        waitingOn: item.waitingOn.map(owed),
        due: item.due,
        commands: [...item.commands],
      };
  }
}
