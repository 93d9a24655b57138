/**
 * `push` and `pull`: move a program between a folder and a server, verified both ways. Each side's
 * copy is verified on its own; only a fast-forward moves (a fork changes nothing); afterwards the
 * two copies are compared again and must hold the same lines, byte for byte.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { eventsOf, openProgram } from '../../app/workspace.js';
import { verifyOtherCopy } from '../../app/sync.js';
import { invalidInput, LedgerForkError } from '../../errors.js';
import { serialize } from '../../ledger/line.js';
import { compareLedgers, describeComparison } from '../../ledger/compare.js';
import { verifyLedgerText } from '../../ledger/check-pool.js';
import type { Verified } from '../../ledger/verify.js';
import { FileLedgerStore } from '../../store/file-store.js';
import { HttpLedgerStore } from '../../store/http-store.js';
import { EXIT, type CliIo } from '../io.js';
import type { DirOptions } from '../options.js';
import { openDefined, resolveDir } from './context.js';

function serverOf(o: DirOptions, io: CliIo): HttpLedgerStore {
  const server = o.server ?? io.env.CUTOVER_SERVER;
  if (server === undefined || server === '') throw invalidInput({ source: '--server', field: '', expected: 'the server URL (--server URL or CUTOVER_SERVER)', found: 'nothing' });
  return new HttpLedgerStore(server, io.env.CUTOVER_TOKEN || undefined);
}

/** The lines of both copies must now be the same bytes; anything else is a fault worth stopping for. */
async function confirmIdentical(store: HttpLedgerStore, program: string, lines: readonly string[]): Promise<void> {
  const remote = await store.read(program);
  if (remote.lines.length !== lines.length || remote.lines.some((l, i) => l !== lines[i])) {
    throw invalidInput({ source: remote.source, field: '', expected: `the same ${lines.length} lines as the folder`, found: `${remote.lines.length} lines that differ` });
  }
}

export async function push(o: DirOptions, io: CliIo): Promise<number> {
  const store = serverOf(o, io);
  const ws = await openDefined(o.dir, io);
  const program = ws.state.program!;
  const remote = await verifyOtherCopy(await store.read(program));
  const events = await eventsOf(ws);
  const comparison = compareLedgers(events, remote.events);
  if (comparison.relation === 'forked') throw new LedgerForkError(comparison.seq, `${store.urlOf(program)}: ${describeComparison(comparison)}`);
  if (comparison.relation === 'behind') {
    throw invalidInput({ source: store.urlOf(program), field: '', expected: 'a copy this folder is ahead of, or the same', found: describeComparison(comparison) }, [
      `bring the folder up to the server first: cutover -C ${o.dir} pull --server ${store.base}`,
    ]);
  }
  const missing = events.slice(remote.events.length);
  if (missing.length > 0) await store.append(program, remote.state.head, missing);
  await confirmIdentical(store, program, events.map(serialize));
  io.stdout(
    missing.length === 0
      ? `${program}: the server already holds the same ${ws.state.seq} events; head ${ws.state.head}\n`
      : `${program}: pushed ${missing.length} event${missing.length === 1 ? '' : 's'} (seq ${remote.state.seq + 1}–${ws.state.seq}) to ${store.urlOf(program)}; head ${ws.state.head}\n`,
  );
  return EXIT.ok;
}

export async function pull(o: DirOptions, io: CliIo): Promise<number> {
  const store = serverOf(o, io);
  const dir = resolveDir(o.dir, io);
  const hasDefinition = await access(join(dir, 'cutover.yaml')).then(() => true, () => false);
  const local = hasDefinition ? await openProgram(dir) : null;
  const program = o.program ?? io.env.CUTOVER_PROGRAM ?? local?.state.program ?? undefined;
  if (program == null) throw invalidInput({ source: '--program', field: '', expected: 'the program to pull (--program ID), or a folder whose ledger names it', found: 'nothing' });
  const remote = await verifyOtherCopy(await store.read(program));
  if (remote.events.length === 0) throw invalidInput({ source: store.urlOf(program), field: '', expected: `program "${program}" on the server`, found: 'no such program' });
  const fileStore = FileLedgerStore.forProgramDir(dir);
  const ours = local ?? (await verifyLedgerText(await fileStore.read(program)));
  if (ours.state.program !== null && ours.state.program !== program) {
    throw invalidInput({ source: dir, field: 'program', expected: `a folder of program "${program}"`, found: JSON.stringify(ours.state.program) });
  }
  const comparison = compareLedgers(local === null ? (ours as Verified).events : await eventsOf(local), remote.events);
  if (comparison.relation === 'forked') throw new LedgerForkError(comparison.seq, `${store.urlOf(program)}: ${describeComparison(comparison)}`);
  const missing = comparison.relation === 'behind' ? remote.events.slice(comparison.common) : [];
  if (missing.length > 0) await fileStore.append(program, ours.state.head, missing);
  const lines = (await fileStore.read(program)).lines;
  await confirmIdentical(store, program, lines.slice(0, remote.events.length));
  io.stdout(
    missing.length === 0
      ? `${program}: nothing to pull (${describeComparison(comparison)})\n`
      : `${program}: pulled ${missing.length} event${missing.length === 1 ? '' : 's'} into ${fileStore.pathOf(program)}; head ${remote.state.head}\n`,
  );
  if (!hasDefinition) io.stderr(`cutover: note: ${dir} has no cutover.yaml; the ledger is there, and commands on the folder need the program's cutover.yaml beside it\n`);
  return EXIT.ok;
}
