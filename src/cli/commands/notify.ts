/** `notify dead-letters` and `notify redeliver`: the CLI's words around `app/dead-letters.ts`. */
import { deadLettersOn, redeliverOn, type DeadLetter } from '../../app/dead-letters.js';
import { showOnOneLine } from '../../render/visible-text.js';
import { EXIT, type CliIo } from '../io.js';
import type { DeadLettersOptions, RedeliverOptions } from '../server-options.js';
import { serverOf } from './context.js';

export async function notifyDeadLetters(o: DeadLettersOptions, io: CliIo): Promise<number> {
  const list = await deadLettersOn(await serverOf(o, io));
  if (o.json) {
    io.stdout(JSON.stringify(list, null, 2) + '\n');
    return EXIT.ok;
  }
  if (list.deadLetters.length === 0) {
    io.stdout('No dead letters: every notification was delivered.\n');
    return EXIT.ok;
  }
  io.stdout(list.deadLetters.map((d) => `${letterInWords(d)}\n`).join(''));
  return EXIT.ok;
}

// One a line, whatever the receiver's error said: a script can count them with wc -l.
function letterInWords(d: DeadLetter): string {
  const attempts = `${d.attempts} attempt${d.attempts === 1 ? '' : 's'}`;
  return showOnOneLine(`${d.id}: ${d.type} of program ${d.program} to sink ${d.sink}, given up at ${d.deadAt} after ${attempts}; last error: ${d.error}`);
}

export async function notifyRedeliver(o: RedeliverOptions, io: CliIo): Promise<number> {
  const done = await redeliverOn(await serverOf(o, io), o.id);
  const what = done.type === undefined || done.program === undefined ? '' : ` (${done.type} of program ${done.program}${done.notification === undefined ? '' : `, webhook-id ${done.notification}`})`;
  const to = done.sink === undefined ? '' : ` to sink ${done.sink}`;
  io.stdout(showOnOneLine(`redelivered dead letter ${done.redelivered}${what}${to}: the receiver took it, and it left the list`) + '\n');
  return EXIT.ok;
}
