/** `log`: the events, in order. */
import type { LedgerEvent } from '../../domain/events.js';
import { describeEvent } from '../../render/event-words.js';
import { showOnOneLine } from '../../render/visible-text.js';
import { EXIT, type CliIo } from '../io.js';
import type { LogOptions } from '../options.js';
import { openDefined } from './context.js';

export async function log(o: LogOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o, io);
  // The stored lines are already canonical: they go out one batch at a time, never all at once.
  let seq = 0;
  // Each line is escaped here (showOnOneLine escapes all that stdout's escape would, and line breaks):
  // written past stdout's escape, it is not searched twice (a third of `log --json`'s time).
  const write = io.escapedStdout ?? io.stdout;
  for await (const batch of ws.program.lines()) {
    const out: string[] = [];
    // One event, one line of output: a line feed, U+2028 or U+2029 in a note cannot forge the next one.
    for (const line of batch) if (++seq >= (o.from ?? 1)) out.push(showOnOneLine(o.json ? line : describe(JSON.parse(line) as LedgerEvent)));
    if (out.length > 0) write(out.join('\n') + '\n');
    await io.stdoutDrained?.();
  }
  return EXIT.ok;
}

function describe(e: LedgerEvent): string {
  return `${String(e.seq).padStart(5)}  ${e.at}  ${e.actor}  ${e.type}  ${describeEvent(e)}`;
}
