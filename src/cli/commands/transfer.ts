/** `push` and `pull`: the CLI's words around `app/transfer.ts`. */
import { push as pushProgram, pull as pullProgram } from '../../app/transfer.js';
import { describeComparison } from '../../app/sync.js';
import { EXIT, type CliIo } from '../io.js';
import type { DirOptions } from '../options.js';
import { openDefined, resolveDir, serverOf } from './context.js';

export async function push(o: DirOptions, io: CliIo): Promise<number> {
  const server = await serverOf(o, io);
  const ws = await openDefined(o.dir, io);
  const { program, moved, to, head } = await pushProgram(ws, server, o.dir);
  io.stdout(
    moved.length === 0
      ? `${program}: the server already holds the same ${ws.state.seq} events; head ${head}\n`
      : `${program}: pushed ${moved.length} event${moved.length === 1 ? '' : 's'} (seq ${moved[0]!.seq}–${moved.at(-1)!.seq}) to ${to}; head ${head}\n`,
  );
  return EXIT.ok;
}

export async function pull(o: DirOptions, io: CliIo): Promise<number> {
  const dir = resolveDir(o.dir, io);
  const { program, comparison, moved, to, head, hasDefinition } = await pullProgram(dir, await serverOf(o, io), o.program ?? (io.env.CUTOVER_PROGRAM || undefined));
  io.stdout(
    moved.length === 0
      ? `${program}: nothing to pull (${describeComparison(comparison)})\n`
      : `${program}: pulled ${moved.length} event${moved.length === 1 ? '' : 's'} into ${to}; head ${head}\n`,
  );
  if (!hasDefinition) io.stderr(`cutover: note: ${dir} has no cutover.yaml; the ledger is there, and commands on the folder need the program's cutover.yaml beside it\n`);
  return EXIT.ok;
}
