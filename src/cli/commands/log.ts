/** `log`: the events, in order. */
import type { LedgerEvent } from '../../domain/events.js';
import { serialize } from '../../ledger/chain.js';
import { EXIT, type CliIo } from '../io.js';
import type { LogOptions } from '../options.js';
import { openDefined } from './context.js';

export async function log(o: LogOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o.dir, io);
  const events = ws.events.slice((o.from ?? 1) - 1);
  io.stdout(events.map((e) => (o.json ? serialize(e) : describe(e))).join('\n') + (events.length > 0 ? '\n' : ''));
  return EXIT.ok;
}

function describe(e: LedgerEvent): string {
  return `${String(e.seq).padStart(5)}  ${e.at}  ${e.actor}  ${e.type}  ${summary(e)}`;
}

function summary(e: LedgerEvent): string {
  switch (e.type) {
    case 'program.defined':
    case 'program.amended':
      return `${e.data.definition.program.id} ${e.data.digest.slice(0, 19)}${e.type === 'program.amended' ? ` — ${e.data.reason}` : ''}`;
    case 'target.published':
      return `${e.data.as} ${e.data.target.tag} @ ${e.data.target.sha}`;
    case 'verdict.cast':
      return `${e.data.party} ${e.data.verdict} on ${e.data.decision}${e.data.note === undefined ? '' : ` — ${e.data.note}`}`;
    case 'evidence.added':
      return `${e.data.party} ${e.data.kind} ${e.data.result.toUpperCase()}: ${e.data.summary}`;
    case 'blocker.raised':
      return `${e.data.id}: ${e.data.text} (owner ${e.data.owner}, due ${e.data.due})`;
    case 'blocker.resolved':
      return `${e.data.id}: ${e.data.note}`;
    case 'phase.started':
      return `Phase ${e.data.phase}`;
    case 'phase.closed':
    case 'phase.completed':
      return `Phase ${e.data.phase}: ${e.data.reason}`;
    case 'incident.declared':
      return `${e.data.id} ${e.data.severity} ${e.data.party}: ${e.data.summary}`;
    case 'incident.closed':
      return `${e.data.id}: ${e.data.summary}`;
  }
}
