/**
 * A program on a server, opened like a program directory: the lines are fetched and verified here
 * (the server is not trusted), and the definition in force is the one the ledger anchors. Records
 * append through the server, which checks them again.
 */
import { invalidInput, InvalidTransitionError } from '../errors.js';
import { verifyLedgerText } from '../ledger/check-pool.js';
import type { DefinitionFile } from '../program/load.js';
import { HttpLedgerStore } from '../store/http-store.js';
import type { VerifiedLedger } from './verified-ledger.js';
import type { Workspace } from './workspace.js';

export interface RemoteProgram {
  readonly server: string;
  readonly program: string;
  readonly token?: string;
}

export async function openRemoteProgram(remote: RemoteProgram, dir: string, threads?: number): Promise<Workspace> {
  const store = new HttpLedgerStore(remote.server, remote.token);
  const text = await store.read(remote.program);
  if (text.lines.length === 0) {
    throw new InvalidTransitionError(`the server ${store.base} holds no program "${remote.program}"`, [
      `put it there from its folder: cutover -C <program folder> push --server ${store.base}`,
    ]);
  }
  const { events, state } = await verifyLedgerText(text, threads === undefined ? {} : { threads });
  if (state.program !== remote.program) {
    throw invalidInput({ source: text.source, field: 'program', expected: `program "${remote.program}"`, found: JSON.stringify(state.program) });
  }
  const definition = state.definition!;
  // No cutover.yaml travels with a program on a server: the definition in force stands for it.
  const file: DefinitionFile = {
    path: `${text.source} (the definition recorded at seq ${state.definitionSeq})`,
    fileDigest: state.definitionFileDigest ?? '',
    load: async () => ({ file: text.source, definition, digest: state.definitionDigest!, fileDigest: state.definitionFileDigest ?? '' }),
  };
  const ledger: VerifiedLedger = { source: text.source, cachePath: '', state, last: events.at(-1) ?? null, read: 'full', stamp: null, offset: 0, blocks: [] };
  return { dir, file, store, ledgerSource: text.source, ledger, events, state, drift: false };
}
