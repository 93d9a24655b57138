/**
 * A program directory opened for a command: its `cutover.yaml`, its verified ledger, the state
 * folded from it, and whether the file still matches the definition the ledger anchors.
 */
import { join, resolve } from 'node:path';
import { InvalidTransitionError } from '../errors.js';
import { replay, type ProgramState } from '../domain/state.js';
import type { LedgerEvent } from '../domain/events.js';
import { verifyLedgerText } from '../ledger/check-pool.js';
import { DEFINITION_FILE, readDefinitionFile, type DefinitionFile } from '../program/load.js';
import { FileLedgerStore } from '../store/file-store.js';
import { namingPath } from './file-errors.js';
import type { LedgerStore, TornLine } from '../store/ledger-store.js';

export interface Workspace {
  readonly dir: string;
  readonly file: DefinitionFile;
  readonly store: LedgerStore;
  readonly ledgerSource: string;
  readonly events: readonly LedgerEvent[];
  readonly state: ProgramState;
  /** The file differs from the definition in force (or none is recorded yet). */
  readonly drift: boolean;
  /** A torn last line after the verified events (reads still work; appends are refused). */
  readonly torn?: TornLine;
}

export interface OpenOptions {
  /** Threads for signature checks (default: all cores). */
  readonly threads?: number;
}

export async function openProgram(dir: string, options: OpenOptions = {}): Promise<Workspace> {
  const root = resolve(dir);
  const file = await readDefinitionFile(join(root, DEFINITION_FILE));
  const store = FileLedgerStore.forProgramDir(root);
  // A program directory holds one program; its store does not need the id to find the ledger.
  const text = await store.read(PROGRAM_IN_DIR).catch(namingPath(store.pathOf(PROGRAM_IN_DIR)));
  const { events, state, torn } = await verifyLedgerText(text, options);
  const ws = { dir: root, file, store, ledgerSource: text.source, events, state, ...(torn === undefined ? {} : { torn }) };
  const drift = await driftOf(file, state);
  const fileProgram = drift ? (await file.load()).definition.program.id : state.program;
  if (state.program !== null && fileProgram !== state.program) {
    throw new InvalidTransitionError(`${file.path} defines program "${fileProgram}" but the ledger ${text.source} is for "${state.program}"`);
  }
  return { ...ws, drift };
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

/** The workspace after appending `events` (no re-read: they were just verified on the way in). */
export async function withAppended(ws: Workspace, events: readonly LedgerEvent[]): Promise<Workspace> {
  const state = replay(events, ws.state);
  return { ...ws, events: [...ws.events, ...events], state, drift: await driftOf(ws.file, state) };
}
