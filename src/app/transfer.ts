/**
 * `push` and `pull`: move a program between a folder and a server, verified both ways. Each side
 * is the one verified program over its own store; only a fast-forward moves (a fork changes
 * nothing), and afterwards the two copies must hold the same lines, byte for byte.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { LedgerEvent } from '../domain/events.js';
import { invalidInput, LedgerForkError } from '../errors.js';
import { compareLedgers, describeComparison, type Comparison } from '../ledger/compare.js';
import { FileLedgerStore } from '../store/file-store.js';
import { HttpLedgerStore } from '../store/http-store.js';
import { FolderLedger } from './folder-ledger.js';
import { admitIncoming } from './incoming-definitions.js';
import { StoredLedger } from './stored-ledger.js';
import { VerifiedProgram } from './verified-program.js';
import { openProgram, type Workspace } from './workspace.js';

/** The most lines one append to a server carries: each is stored whole or not at all. */
const LINES_PER_APPEND = 200;

export interface Server {
  readonly url: string;
  readonly token?: string;
}

export interface Transferred {
  readonly program: string;
  readonly comparison: Comparison;
  /** The events that moved. */
  readonly moved: readonly LedgerEvent[];
  /** Where they went. */
  readonly to: string;
  readonly head: string | null;
}

function openOnServer(server: Server, program: string): Promise<VerifiedProgram> {
  const store = new HttpLedgerStore(server.url, server.token);
  return VerifiedProgram.open(new StoredLedger(store, program, { keepEvents: true }, store.urlOf(program)));
}

/** The folder's events that the server lacks go to the server. */
export async function push(ws: Workspace, server: Server, dir: string): Promise<Transferred> {
  const program = ws.state.program!;
  const remote = await openOnServer(server, program);
  const events = await ws.events();
  const comparison = compareLedgers(events, await remote.events());
  if (comparison.relation === 'forked') throw new LedgerForkError(comparison.seq, `${remote.source}: ${describeComparison(comparison)}`);
  if (comparison.relation === 'behind') {
    throw invalidInput({ source: remote.source, field: '', expected: 'a copy this folder is ahead of, or the same', found: describeComparison(comparison) }, [
      `bring the folder up to the server first: cutover -C ${dir} pull --server ${server.url}`,
    ]);
  }
  const missing = events.slice(remote.state.seq);
  // Each batch is one atomic append on the head the last one left, checked again by the server.
  for (let i = 0; i < missing.length; i += LINES_PER_APPEND) await remote.append(missing.slice(i, i + LINES_PER_APPEND), ws.ledgerSource);
  await confirmIdentical(remote, ws.program, events.length);
  return { program, comparison, moved: missing, to: remote.source, head: ws.state.head };
}

/**
 * The server's events that the folder lacks come into the folder. A folder with a `cutover.yaml`
 * takes them as `sync` does (an impostor's definition is refused); one without gets the ledger only.
 */
export async function pull(dir: string, server: Server, programId: string | undefined): Promise<Transferred & { readonly hasDefinition: boolean }> {
  const hasDefinition = await access(join(dir, 'cutover.yaml')).then(() => true, () => false);
  const ws = hasDefinition ? await openProgram(dir) : null;
  const local = ws?.program ?? (await VerifiedProgram.open(new FolderLedger(FileLedgerStore.forProgramDir(dir))));
  // An empty ledger beside a cutover.yaml names its program there.
  const program = programId ?? local.state.program ?? (ws === null ? undefined : (await ws.file.load()).definition.program.id);
  if (program === undefined) throw invalidInput({ source: '--program', field: '', expected: 'the program to pull (--program ID), or a folder whose ledger or cutover.yaml names it', found: 'nothing' });
  const remote = await openOnServer(server, program);
  if (remote.state.seq === 0) throw invalidInput({ source: remote.source, field: '', expected: `program "${program}" on the server`, found: 'no such program' });
  if (local.state.program !== null && local.state.program !== program) {
    throw invalidInput({ source: dir, field: 'program', expected: `a folder of program "${program}"`, found: JSON.stringify(local.state.program) });
  }
  const theirs = await remote.events();
  const comparison = compareLedgers(await local.events(), theirs);
  if (comparison.relation === 'forked') throw new LedgerForkError(comparison.seq, `${remote.source}: ${describeComparison(comparison)}`);
  let moved: readonly LedgerEvent[] = [];
  if (comparison.relation === 'behind') {
    if (ws !== null) await admitIncoming(ws, theirs.slice(comparison.common), remote.source);
    moved = await local.appendFrom({ events: theirs, state: remote.state }, comparison.common);
    await ws?.recheckDrift();
  }
  await confirmIdentical(local, remote, remote.state.seq);
  return { program, comparison, moved, to: local.source, head: remote.state.head, hasDefinition };
}

/** The first `count` lines of both copies must now be the same bytes; anything else is a fault worth stopping for. */
async function confirmIdentical(a: VerifiedProgram, b: VerifiedProgram, count: number): Promise<void> {
  await b.catchUp();
  const ours = (await collect(a)).slice(0, count);
  const theirs = (await collect(b)).slice(0, count);
  if (ours.length !== theirs.length || ours.some((l, i) => l !== theirs[i])) {
    throw invalidInput({ source: b.source, field: '', expected: `the same ${count} lines as ${a.source}`, found: `${theirs.length} lines that differ` });
  }
}

async function collect(program: VerifiedProgram): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of program.lines()) lines.push(...batch);
  return lines;
}
