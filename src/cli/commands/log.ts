/** `log`: the events, in order. */
import type { LedgerEvent } from '../../domain/events.js';
import { eventsOf } from '../../app/workspace.js';
import { serialize } from '../../ledger/line.js';
import { FileLedgerStore } from '../../store/file-store.js';
import { linesOf } from '../../store/line-chunks.js';
import { describeEvent } from '../../render/event-words.js';
import { EXIT, type CliIo } from '../io.js';
import type { LogOptions } from '../options.js';
import { openDefined } from './context.js';

export async function log(o: LogOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o, io);
  // The stored lines are already canonical: they go out one chunk at a time, never all at once.
  let seq = 0;
  if (!(ws.store instanceof FileLedgerStore)) {
    const events = (await eventsOf(ws)).slice((o.from ?? 1) - 1);
    io.stdout(events.map((e) => (o.json ? serialize(e) : describe(e))).join('\n') + (events.length > 0 ? '\n' : ''));
    return EXIT.ok;
  }
  for await (const chunk of ws.store.chunks('.', 0)) {
    const out: string[] = [];
    for (const line of linesOf(chunk.bytes)) {
      if (++seq > ws.state.seq) break;
      if (seq >= (o.from ?? 1)) out.push(o.json ? line : describe(JSON.parse(line) as LedgerEvent));
    }
    if (out.length > 0) io.stdout(out.join('\n') + '\n');
    await io.stdoutDrained?.();
    if (seq >= ws.state.seq) break;
  }
  return EXIT.ok;
}

function describe(e: LedgerEvent): string {
  return `${String(e.seq).padStart(5)}  ${e.at}  ${e.actor}  ${e.type}  ${describeEvent(e)}`;
}
