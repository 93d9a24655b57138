/**
 * What the program page's charts are drawn from, read from the verified ledger: every event's time
 * by seq (the age of the evidence a readiness cell rests on), phase starts and ends, and verdicts.
 * Kept per program and extended by the lines added since the last page, so a page costs the new
 * lines, not the whole ledger; a ledger that no longer continues the kept one is read again.
 */
import type { LedgerEvent } from '../../domain/events.js';
import type { LedgerStore } from '../../store/ledger-store.js';

export type ChartEvent =
  | { readonly kind: 'phase'; readonly seq: number; readonly at: string; readonly phase: string; readonly step: 'started' | 'closed' | 'completed' | 'rolled-back' }
  | { readonly kind: 'verdict'; readonly seq: number; readonly at: string; readonly decision: string; readonly party: string; readonly verdict: 'GO' | 'NO-GO'; readonly role: string };

export interface ChartHistory {
  readonly seq: number;
  /** The hash of line `seq`: a ledger whose line there differs is another history. */
  readonly head: string | null;
  /** Each event's time, at index seq - 1. */
  readonly times: readonly string[];
  readonly events: readonly ChartEvent[];
}

const kept = new Map<string, ChartHistory>();

/** The history up to `seq` (lines the server has verified, ending in `head`), from what was kept and the lines since. */
export async function chartHistory(store: LedgerStore, program: string, seq: number, head: string | null): Promise<ChartHistory> {
  let history = kept.get(program) ?? null;
  // Nothing new: no read at all (a store may read a whole file to return its last lines).
  if (history !== null && history.seq === seq && history.head === head) return history;
  if (history !== null && history.seq > seq) history = null;
  const from = history === null ? 1 : history.seq;
  const lines = seq < from ? [] : (await store.read(program, from)).lines.slice(0, seq - from + 1);
  if (history !== null && (JSON.parse(lines[0]!) as LedgerEvent).hash !== history.head) {
    kept.delete(program);
    return chartHistory(store, program, seq, head);
  }
  const times = history === null ? [] : [...history.times];
  const events = history === null ? [] : [...history.events];
  let last = history?.head ?? null;
  for (const line of history === null ? lines : lines.slice(1)) {
    const e = JSON.parse(line) as LedgerEvent;
    times[e.seq - 1] = e.at;
    last = e.hash;
    events.push(...chartEventsOf(e));
  }
  const next: ChartHistory = { seq: Math.max(seq, history?.seq ?? 0), head: last, times, events };
  if (lines.length > 0 || history === null) kept.set(program, next);
  return next;
}

function chartEventsOf(e: LedgerEvent): ChartEvent[] {
  const base = { seq: e.seq, at: e.at };
  switch (e.type) {
    case 'phase.started':
      return [{ kind: 'phase', ...base, phase: e.data.phase, step: 'started' }];
    case 'phase.closed':
      return [{ kind: 'phase', ...base, phase: e.data.phase, step: 'closed' }];
    case 'phase.completed':
      return [{ kind: 'phase', ...base, phase: e.data.phase, step: 'completed' }];
    case 'incident.rollback-executed':
      return e.data.phases.map((phase) => ({ kind: 'phase' as const, ...base, phase, step: 'rolled-back' as const }));
    case 'verdict.cast':
      return [{ kind: 'verdict', ...base, decision: e.data.decision, party: e.data.party, verdict: e.data.verdict, role: e.actor }];
    default:
      return [];
  }
}
