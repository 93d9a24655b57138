/**
 * A program on a server, opened like a program directory: the lines are fetched and verified here
 * (the server is not trusted), and the definition in force is the one the ledger anchors. Records
 * append through the server, which checks them again; a lost race catches up on the same server.
 */
import { invalidInput, InvalidTransitionError } from '../errors.js';
import type { DefinitionFile } from '../program/load.js';
import { HttpLedgerStore } from '../store/http-store.js';
import { StoredLedger } from './stored-ledger.js';
import { VerifiedProgram } from './verified-program.js';
import { Workspace } from './workspace.js';

export interface RemoteProgram {
  readonly server: string;
  readonly program: string;
  readonly token?: string;
}

export async function openRemoteProgram(remote: RemoteProgram, dir: string, threads?: number): Promise<Workspace> {
  const store = new HttpLedgerStore(remote.server, remote.token);
  const source = store.urlOf(remote.program);
  const program = await VerifiedProgram.open(new StoredLedger(store, remote.program, { keepEvents: true }, source), threads === undefined ? {} : { threads });
  if (program.state.seq === 0) {
    throw new InvalidTransitionError(`the server ${store.base} holds no program "${remote.program}"`, [
      `put it there from its folder: cutover -C <program folder> push --server ${store.base}`,
    ]);
  }
  if (program.state.program !== remote.program) {
    throw invalidInput({ source, field: 'program', expected: `program "${remote.program}"`, found: JSON.stringify(program.state.program) });
  }
  // No cutover.yaml travels with a program on a server: the definition in force stands for it, as
  // the ledger moves (another writer's amendment), so it never drifts.
  const file: DefinitionFile = {
    get path() {
      return `${source} (the definition recorded at seq ${program.state.definitionSeq})`;
    },
    get fileDigest() {
      return program.state.definitionFileDigest ?? '';
    },
    load: async () => ({ file: source, definition: program.state.definition!, digest: program.state.definitionDigest!, fileDigest: program.state.definitionFileDigest ?? '' }),
  };
  return new Workspace(dir, file, program, false);
}
