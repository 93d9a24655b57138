/** `log`: the events, in order. */
import type { LedgerEvent } from '../../domain/events.js';
import { serialize } from '../../ledger/chain.js';
import { describeEvent } from '../format.js';
import { EXIT, type CliIo } from '../io.js';
import type { LogOptions } from '../options.js';
import { openDefined } from './context.js';

export async function log(o: LogOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o, io);
  const events = ws.events.slice((o.from ?? 1) - 1);
  io.stdout(events.map((e) => (o.json ? serialize(e) : describe(e))).join('\n') + (events.length > 0 ? '\n' : ''));
  return EXIT.ok;
}

function describe(e: LedgerEvent): string {
  return `${String(e.seq).padStart(5)}  ${e.at}  ${e.actor}  ${e.type}  ${describeEvent(e)}`;
}
