/**
 * A program directory opened for a command: its `cutover.yaml`, its verified ledger, the state
 * folded from it, and whether the file still matches the definition the ledger anchors.
 */
import { join, resolve } from 'node:path';
import { InvalidTransitionError } from '../errors.js';
import { replay, type ProgramState } from '../domain/state.js';
import type { LedgerEvent } from '../domain/events.js';
import { verifyLedgerText } from '../ledger/check-pool.js';
import { DEFINITION_FILE, loadDefinition, type LoadedDefinition } from '../program/load.js';
import { FileLedgerStore } from '../store/file-store.js';
import type { LedgerStore } from '../store/ledger-store.js';

export interface Workspace {
  readonly dir: string;
  readonly file: LoadedDefinition;
  readonly store: LedgerStore;
  readonly ledgerSource: string;
  readonly events: readonly LedgerEvent[];
  readonly state: ProgramState;
  /** The file differs from the definition in force (or none is recorded yet). */
  readonly drift: boolean;
}

export interface OpenOptions {
  /** Threads for signature checks (default: all cores). */
  readonly threads?: number;
}

export async function openProgram(dir: string, options: OpenOptions = {}): Promise<Workspace> {
  const root = resolve(dir);
  const file = await loadDefinition(join(root, DEFINITION_FILE));
  const store = FileLedgerStore.forProgramDir(root);
  const text = await store.read(file.definition.program.id);
  const { events, state } = await verifyLedgerText(text, options);
  if (state.program !== null && state.program !== file.definition.program.id) {
    throw new InvalidTransitionError(
      `${file.file} defines program "${file.definition.program.id}" but the ledger ${text.source} is for "${state.program}"`,
    );
  }
  return { dir: root, file, store, ledgerSource: text.source, events, state, drift: state.definitionDigest !== file.digest };
}

/** The workspace after appending `events` (no re-read: they were just verified on the way in). */
export function withAppended(ws: Workspace, events: readonly LedgerEvent[]): Workspace {
  const state = replay(events, ws.state);
  return { ...ws, events: [...ws.events, ...events], state, drift: state.definitionDigest !== ws.file.digest };
}

