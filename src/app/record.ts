/**
 * Recording: command → decide → seal (seq, time, prev, signature, hash) → append with the
 * expected head. Refuses, writing nothing, when the file has drifted from the definition in
 * force, when the policy says no, or when the key is not the actor's. A command already recorded
 * (a retry) is recognised and not recorded twice; a stale head is retried when the decision holds.
 */
import { checkKey, rolesHoldingKey } from '../domain/authority.js';
import { decide, type Command } from '../domain/decide.js';
import type { EventDraft, LedgerEvent } from '../domain/events.js';
import { DefinitionDriftError, StaleHeadError, WrongKeyError } from '../errors.js';
import { seal } from '../ledger/chain.js';
import { tornLineError } from '../ledger/torn-line.js';
import { FileLedgerStore } from '../store/file-store.js';
import { findSigner, type KeySource } from './keyring.js';
import { alreadyRecorded, sameEvents } from './repeats.js';
import { appendTo, eventsOf, type Workspace } from './workspace.js';

export interface Recorded {
  readonly events: readonly LedgerEvent[];
  readonly workspace: Workspace;
  /** The same command had already recorded these events (a retry): nothing new was written. */
  readonly alreadyRecorded: boolean;
}

export interface RecordOptions {
  /** Open the program again, to decide once more when another writer moved the head first. */
  readonly reopen?: () => Promise<Workspace>;
  /** The time for such a retry, when the command was dated "now" rather than by --at. */
  readonly now?: () => string;
}

/**
 * How many times a command whose decision still holds on a moved head is appended again by itself.
 * Each lost race means another writer got its event in, so N writers at once all succeed when N ≤ 6.
 */
export const STALE_HEAD_RETRIES = 5;

export async function record(ws: Workspace, command: Command, keys: KeySource, options: RecordOptions = {}): Promise<Recorded> {
  let current = ws;
  let cmd = command;
  let stale: { error: StaleHeadError; drafts: readonly EventDraft[] } | null = null;
  for (let attempt = 0; ; attempt++) {
    // A command dated by the clock before the program was opened may find a later event by another
    // writer in it: "now" is then the clock again, not a time before that event.
    const lastAt = current.state.lastAt;
    if (options.now !== undefined && lastAt !== null && cmd.at < lastAt) cmd = { ...cmd, at: options.now() };
    const admitted = await admit(current, cmd);
    if (admitted.repeat !== null) return { events: admitted.repeat, workspace: current, alreadyRecorded: true };
    // On a moved head, only a command that decides exactly as before is appended by itself.
    if (stale !== null && !sameEvents(admitted.drafts, stale.drafts)) throw stale.error;
    try {
      return await append(current, cmd, admitted.drafts, keys);
    } catch (e) {
      if (!(e instanceof StaleHeadError) || options.reopen === undefined || attempt >= STALE_HEAD_RETRIES) throw e;
      stale = { error: e, drafts: admitted.drafts };
      current = await options.reopen();
      if (options.now !== undefined) cmd = { ...cmd, at: options.now() };
    }
  }
}

/** What the command records on this workspace, or the events it already recorded; refuses on drift, a torn tail or the policy. */
async function admit(ws: Workspace, command: Command): Promise<{ repeat: readonly LedgerEvent[] | null; drafts: readonly EventDraft[] }> {
  // A torn tail seen on opening may be another writer's append in flight, complete by now: only
  // one still there refuses the command (the store checks again under its lock).
  if (ws.torn !== undefined && (!(ws.store instanceof FileLedgerStore) || (await ws.store.endsTorn('.')))) throw tornLineError(ws.ledgerSource, ws.torn, 'nothing was recorded');
  const changesDefinition = command.type === 'define-program' || command.type === 'amend-program';
  if (ws.drift && !changesDefinition && ws.state.definitionDigest !== null) {
    const logOwners = ws.state.definition!.roles.filter((r) => r.duties.includes('decision-log-owner')).map((r) => r.id);
    throw new DefinitionDriftError(ws.file.path, (await ws.file.load()).digest, ws.state.definitionDigest, ws.state.definitionSeq, logOwners);
  }
  // Only a last event by this actor at exactly this time can be this command's: the history is read only then.
  const last = ws.ledger.last;
  const mayRepeat = last !== null && last.actor === command.actor && last.at === command.at;
  const repeat = mayRepeat ? alreadyRecorded(await eventsOf(ws), command) : null;
  if (repeat !== null) return { repeat, drafts: [] };
  const decided = decide(ws.state, command);
  if (!decided.ok) throw decided.error;
  return { repeat: null, drafts: decided.events };
}

async function append(ws: Workspace, command: Command, drafts: readonly EventDraft[], keys: KeySource): Promise<Recorded> {
  const program = ws.state.program ?? (await ws.file.load()).definition.program.id;
  const events: LedgerEvent[] = [];
  let prev = ws.state.head;
  for (const draft of drafts) {
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
  return { events, workspace: await appendTo(ws, events), alreadyRecorded: false };
}
