/**
 * Recording: command → decide → seal (seq, time, prev, signature, hash) → append with the
 * expected head. Refuses, writing nothing, when the file has drifted from the definition in
 * force, when the policy says no, or when the key is not the actor's.
 */
import { checkKey, rolesHoldingKey } from '../domain/authority.js';
import { decide, type Command } from '../domain/decide.js';
import type { LedgerEvent } from '../domain/events.js';
import { DefinitionDriftError, WrongKeyError } from '../errors.js';
import { seal } from '../ledger/chain.js';
import { tornLineError } from '../ledger/verify.js';
import { findSigner, type KeySource } from './keyring.js';
import { appendTo, type Workspace } from './workspace.js';

export interface Recorded {
  readonly events: readonly LedgerEvent[];
  readonly workspace: Workspace;
}

export async function record(ws: Workspace, command: Command, keys: KeySource): Promise<Recorded> {
  if (ws.torn !== undefined) throw tornLineError(ws.ledgerSource, ws.torn, 'nothing was recorded');
  const changesDefinition = command.type === 'define-program' || command.type === 'amend-program';
  if (ws.drift && !changesDefinition && ws.state.definitionDigest !== null) {
    const logOwners = ws.state.definition!.roles.filter((r) => r.duties.includes('decision-log-owner')).map((r) => r.id);
    throw new DefinitionDriftError(ws.file.path, (await ws.file.load()).digest, ws.state.definitionDigest, ws.state.definitionSeq, logOwners);
  }
  const decided = decide(ws.state, command);
  if (!decided.ok) throw decided.error;
  const program = ws.state.program ?? (await ws.file.load()).definition.program.id;
  const events: LedgerEvent[] = [];
  let prev = ws.state.head;
  for (const draft of decided.events) {
    const { signer, from } = await findSigner(program, draft.actor, keys);
    // The key must speak for the actor under the definition in force (for the first event: its own).
    const def = draft.type === 'program.defined' ? draft.data.definition : ws.state.definition!;
    const check = checkKey(def, draft.actor, signer.publicKey);
    if (check !== 'ok') {
      const holders = rolesHoldingKey(def, signer.publicKey);
      const role = def.roles.find((r) => r.id === draft.actor);
      throw new WrongKeyError(
        `the key from ${from} (${signer.publicKey}) is not a key of role "${draft.actor}"` +
          (holders.length > 0 ? ` (it belongs to ${holders.join(', ')})` : '') +
          `; ${draft.actor}'s keys in force: ${role?.keys.length ? role.keys.join(', ') : '(none)'}`,
        ['add the public key to the role in cutover.yaml and record it with cutover program amend, or sign with the right key (--key <file>)'],
      );
    }
    const event = seal(draft, { program, seq: ws.state.seq + events.length + 1, at: command.at, prev }, signer);
    events.push(event);
    prev = event.hash;
  }
  return { events, workspace: await appendTo(ws, events) };
}
