/** One deadline in words, as `status` and the incident notice show it. */
import type { DeadlineReport } from '../app/status-report.js';

export function deadlineText(d: DeadlineReport): string {
  switch (d.status) {
    case 'met':
      return `met ${d.doneAt} (due ${d.due}, ${d.margin} early)`;
    case 'overdue':
      return d.doneAt === null ? `OVERDUE by ${d.overdueBy} (due ${d.due}, not done)` : `overdue by ${d.overdueBy} (due ${d.due}, done ${d.doneAt})`;
    case 'pending':
      return `due ${d.due} (${d.margin} left)`;
    case 'waiting':
      return `waiting: due ${d.within} after the rollback is executed`;
  }
}
