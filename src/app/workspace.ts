/**
 * A program directory opened for a command: its `cutover.yaml`, its verified ledger, the state
 * folded from it, and whether the file still matches the definition the ledger anchors.
 */
import { join, resolve } from 'node:path';
import { InvalidTransitionError } from '../errors.js';
import { initialState, replay, type ProgramState } from '../domain/state.js';
import type { LedgerEvent } from '../domain/events.js';
import { sameStamp, stampOf } from '../store/checkpoint.js';
import { linesOf, readLineChunks } from '../store/line-chunks.js';
import { appendVerified, openVerifiedLedger, type OpenLedgerOptions, type VerifiedLedger } from './verified-ledger.js';
import { DEFINITION_FILE, readDefinitionFile, type DefinitionFile } from '../program/load.js';
import { FileLedgerStore } from '../store/file-store.js';
import { namingPath } from './file-errors.js';
import type { LedgerStore, TornLine } from '../store/ledger-store.js';

export interface Workspace {
  readonly dir: string;
  readonly file: DefinitionFile;
  /** A folder's file store (checkpointed reads), or a server's. */
  readonly store: LedgerStore;
  readonly ledgerSource: string;
  /** The ledger as opened: its verified head, and how far a checkpoint carried it. */
  readonly ledger: VerifiedLedger;
  /** A program on a server is fetched whole and verified here: its events, kept. */
  readonly events?: readonly LedgerEvent[];
  readonly state: ProgramState;
  /** The file differs from the definition in force (or none is recorded yet). */
  readonly drift: boolean;
  /** A torn last line after the verified events (reads still work; appends are refused). */
  readonly torn?: TornLine;
}

export interface OpenOptions {
  /** Threads for signature checks (default: all cores). */
  readonly threads?: number;
  /** Verify every line, whatever the checkpoint says. */
  readonly full?: boolean;
  /** Where checkpoints are kept (default: $CUTOVER_CACHE, else ~/.cache/cutover). */
  readonly cacheDir?: string;
  /** Told how verifying the lines goes (verified-ledger.ts), for a progress display. */
  readonly onProgress?: OpenLedgerOptions['onProgress'];
}

export async function openProgram(dir: string, options: OpenOptions = {}): Promise<Workspace> {
  const root = resolve(dir);
  const file = await readDefinitionFile(join(root, DEFINITION_FILE));
  const store = FileLedgerStore.forProgramDir(root);
  // A program directory holds one program; its store does not need the id to find the ledger.
  const ledger = await openVerifiedLedger(store.pathOf(PROGRAM_IN_DIR), options).catch(namingPath(store.pathOf(PROGRAM_IN_DIR)));
  const { state, torn } = ledger;
  const ws = { dir: root, file, store, ledgerSource: ledger.source, ledger, state, ...(torn === undefined ? {} : { torn }) };
  const drift = await driftOf(file, state);
  const fileProgram = drift ? (await file.load()).definition.program.id : state.program;
  if (state.program !== null && fileProgram !== state.program) {
    throw new InvalidTransitionError(`${file.path} defines program "${fileProgram}" but the ledger ${ledger.source} is for "${state.program}"`);
  }
  return { ...ws, drift };
}

/**
 * Every event of the workspace's ledger, read again (they were verified on opening; the stamp says
 * the file is unchanged, or they are verified again). For the commands that need the whole history:
 * log, export, sync, evidence check.
 */
export async function eventsOf(ws: Workspace): Promise<LedgerEvent[]> {
  if (ws.events !== undefined) return [...ws.events];
  const events: LedgerEvent[] = [];
  const now = ws.ledger.stamp === null ? null : await stampOf(ws.ledgerSource);
  const unchanged = now !== null && sameStamp(now, ws.ledger.stamp!);
  if (unchanged) {
    for await (const chunk of readLineChunks(ws.ledgerSource, 0)) {
      for (const line of linesOf(chunk.bytes)) if (events.length < ws.state.seq) events.push(JSON.parse(line) as LedgerEvent);
    }
    return events;
  }
  // Loaded here, not at start: a ledger unchanged since its checkpoint needs no line checks.
  const { verifyChunks } = await import('../ledger/check-pool.js');
  await verifyChunks(ws.ledgerSource, readLineChunks(ws.ledgerSource, 0), { state: initialState(), last: null }, {}, (e) => events.push(...e.filter((x) => x.seq <= ws.state.seq)));
  return events;
}

const PROGRAM_IN_DIR = '.';

/**
 * Does the file differ from the definition in force? The same bytes as recorded need no parsing
 * (the fast path of every command); other bytes may still be the same definition (a comment edit).
 */
async function driftOf(file: DefinitionFile, state: ProgramState): Promise<boolean> {
  if (state.definitionDigest === null) {
    await file.load(); // nothing recorded yet: the file must at least be valid
    return true;
  }
  if (state.definitionFileDigest === file.fileDigest) return false;
  return (await file.load()).digest !== state.definitionDigest;
}

/** Append `events` (decided or verified) to the workspace's ledger, moving its checkpoint along. */
export async function appendTo(ws: Workspace, events: readonly LedgerEvent[]): Promise<Workspace> {
  const state = replay(events, ws.state);
  const after = { state, last: events.at(-1) ?? ws.ledger.last };
  const program = ws.state.program ?? events[0]!.program;
  if (!(ws.store instanceof FileLedgerStore)) {
    // A server checks the events again (chain, signatures, policy) before it takes them.
    await ws.store.append(program, ws.state.head, events);
    return { ...ws, ledger: { ...ws.ledger, ...after }, state, drift: false, events: [...(ws.events ?? []), ...events] };
  }
  const ledger = await appendVerified(ws.store, program, ws.ledger, after, events);
  return { ...ws, ledger, state, drift: await driftOf(ws.file, state) };
}
