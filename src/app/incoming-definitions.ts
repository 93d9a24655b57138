/**
 * What another copy may bring in by `sync`, besides a valid chain: definitions whose record and
 * template paths stay inside their folders, and, into an empty ledger, a definition this side
 * recognises. The other copy verifies on its own; that only proves it is consistent with itself,
 * not that it is the program this repository's cutover.yaml describes.
 */
import { checkKey } from '../domain/authority.js';
import type { LedgerEvent } from '../domain/events.js';
import { InvalidInputError, invalidInput } from '../errors.js';
import { recordPathProblems } from '../program/paths.js';
import { fieldName } from '../program/parse-definition.js';
import type { Workspace } from './workspace.js';

export async function admitIncoming(ws: Workspace, incoming: readonly LedgerEvent[], source: string): Promise<void> {
  const definitions = incoming.filter((e) => e.type === 'program.defined' || e.type === 'program.amended');
  const problems = definitions.flatMap((e) =>
    recordPathProblems(e.data.definition.records).map((p) => ({ source: `${source} (seq ${e.seq}, ${e.type})`, field: fieldName(p.path), expected: p.expected, found: p.found })),
  );
  if (problems.length > 0) throw new InvalidInputError(problems, ['the other copy defines records outside the repository; nothing was synced']);
  if (ws.state.definitionDigest === null && incoming[0]?.type === 'program.defined') await admitFirstDefinition(ws, incoming, source);
}

/**
 * Into an empty ledger, the other copy's definition must be this side's cutover.yaml: the one it
 * was defined with, or the one in force at its head when its first event is signed by a key this
 * cutover.yaml gives the same role (a genuine history amended since). Otherwise an impostor with
 * the same program id and keys of its own would take the program over.
 */
async function admitFirstDefinition(ws: Workspace, incoming: readonly LedgerEvent[], source: string): Promise<void> {
  const local = await ws.file.load();
  const first = incoming[0] as Extract<LedgerEvent, { type: 'program.defined' }>;
  if (first.data.digest === local.digest) return;
  const last = [...incoming].reverse().find((e) => e.type === 'program.defined' || e.type === 'program.amended') as Extract<LedgerEvent, { type: 'program.defined' | 'program.amended' }>;
  if (last.data.digest === local.digest && checkKey(local.definition, first.actor, first.sig.key) === 'ok') return;
  throw invalidInput(
    {
      source,
      field: 'seq 1 program.defined data.digest',
      expected: `the definition in ${ws.file.path} (${local.digest}), signed by a key it gives role ${first.actor}`,
      found: `${first.data.digest}, signed by ${first.sig.key}`,
    },
    [
      'the other copy defines this program id with another definition; nothing was synced',
      `if it is the genuine program, take its cutover.yaml (the one it was defined with: ${first.data.file}) and sync again`,
    ],
  );
}
