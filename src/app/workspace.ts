/**
 * A program opened for a command: the one verified program (`verified-program.ts`) over the store
 * that holds it, its `cutover.yaml` (a folder's file, or for a program on a server the definition
 * its ledger anchors), and whether the file still matches the definition the ledger anchors.
 */
import { join, resolve } from 'node:path';
import { InvalidTransitionError, type LedgerVerificationError } from '../errors.js';
import { tornLineError } from '../ledger/torn-line.js';
import type { LedgerEvent } from '../domain/events.js';
import type { ProgramState } from '../domain/state.js';
import { DEFINITION_FILE, readDefinitionFile, type DefinitionFile } from '../program/load.js';
import { FileLedgerStore } from '../store/file-store.js';
import type { TornLine } from '../store/ledger-store.js';
import { namingPath } from './file-errors.js';
import { FolderLedger, type OpenLedgerOptions } from './folder-ledger.js';
import { VerifiedProgram } from './verified-program.js';

export class Workspace {
  constructor(
    /** The program folder (for a program on a server: the folder the command runs in). */
    readonly dir: string,
    readonly file: DefinitionFile,
    readonly program: VerifiedProgram,
    /** The file differs from the definition in force (or none is recorded yet). */
    private drifted: boolean,
  ) {}

  get state(): ProgramState {
    return this.program.state;
  }

  get drift(): boolean {
    return this.drifted;
  }

  get ledgerSource(): string {
    return this.program.source;
  }

  /** A torn last line after the verified events (reads still work; appends are refused). */
  get torn(): TornLine | undefined {
    return this.program.torn;
  }

  /** The error a torn last line makes, saying what the command did about it (null: not torn). */
  tornError(outcome: string): LedgerVerificationError | null {
    const torn = this.program.torn;
    return torn === undefined ? null : tornLineError(this.program.source, torn, outcome);
  }

  /** Every verified event, in order (for the commands that need the whole history). */
  events(): Promise<LedgerEvent[]> {
    return this.program.events();
  }

  /** After the ledger moved (an append, another writer's events): does the file still match? */
  async recheckDrift(): Promise<void> {
    this.drifted = await driftOf(this.file, this.program.state);
  }
}

/** Where checkpoints are kept (default: $CUTOVER_CACHE, else ~/.cache/cutover), and a progress display for long verifications. */
export type OpenFolderOptions = OpenLedgerOptions;

/** A program folder: `cutover.yaml` and `.cutover/ledger.jsonl`. */
export async function openProgram(dir: string, options: OpenFolderOptions = {}): Promise<Workspace> {
  const root = resolve(dir);
  const file = await readDefinitionFile(join(root, DEFINITION_FILE));
  const { cacheDir, onProgress } = options;
  const access = new FolderLedger(FileLedgerStore.forProgramDir(root), { ...(cacheDir === undefined ? {} : { cacheDir }), ...(onProgress === undefined ? {} : { onProgress }) });
  const program = await VerifiedProgram.open(access, options).catch(namingPath(access.source));
  const { state } = program;
  const drift = await driftOf(file, state);
  const fileProgram = drift ? (await file.load()).definition.program.id : state.program;
  if (state.program !== null && fileProgram !== state.program) {
    throw new InvalidTransitionError(`${file.path} defines program "${fileProgram}" but the ledger ${program.source} is for "${state.program}"`);
  }
  return new Workspace(root, file, program, drift);
}

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
