/**
 * Recognising a command already recorded. A process killed after its append reached the disk but
 * before it reported, then run again by its user with the same `--at`, must not record the event
 * twice: when the last events of the ledger are exactly what the command decides on the state
 * before them (same type, actor, time and data), it was already recorded.
 */
import { decide, type Command } from '../domain/decide.js';
import type { EventDraft, LedgerEvent } from '../domain/events.js';
import { replay } from '../domain/state.js';
import { canonicalJson } from '../ledger/canonical.js';

/** A command decides a handful of events at most; a longer tail by the same actor at the same time is not one command. */
const MAX_EVENTS_PER_COMMAND = 8;

/** The events at the end of `events` that `command` would record on the state before them, or null. */
export function alreadyRecorded(events: readonly LedgerEvent[], command: Command): readonly LedgerEvent[] | null {
  let tail = 0;
  // Cheap test first: only events by this actor at exactly this time can be this command's.
  while (tail < Math.min(MAX_EVENTS_PER_COMMAND, events.length)) {
    const e = events[events.length - 1 - tail]!;
    if (e.actor !== command.actor || e.at !== command.at) break;
    tail++;
  }
  for (let n = tail; n >= 1; n--) {
    const recorded = events.slice(events.length - n);
    const decided = decide(replay(events.slice(0, events.length - n)), command);
    if (decided.ok && sameEvents(decided.events, recorded)) return recorded;
  }
  return null;
}

/** Do two lists of events say the same (type, actor, data), whatever their seq, time and chain? */
export function sameEvents(a: readonly (EventDraft | LedgerEvent)[], b: readonly (EventDraft | LedgerEvent)[]): boolean {
  return a.length === b.length && a.every((e, i) => e.type === b[i]!.type && e.actor === b[i]!.actor && canonicalJson(e.data) === canonicalJson(b[i]!.data));
}
