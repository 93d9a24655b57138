/**
 * Recording: command → decide → seal (seq, time, prev, signature, hash) → append with the
 * expected head. Refuses, writing nothing, when the file has drifted from the definition in
 * force, when the policy says no, or when the key is not the actor's. A command already recorded
 * (a retry) is recognised and not recorded twice; a stale head is retried when the decision holds.
 */
import { checkKey, rolesHoldingKey } from '../domain/authority.js';
import { assignedByState, decide, type Command } from '../domain/decide.js';
import type { EventDraft, LedgerEvent } from '../domain/events.js';
import { DefinitionDriftError, StaleHeadError, WrongKeyError } from '../errors.js';
import { seal } from '../ledger/chain.js';
import { tornLineError } from '../ledger/torn-line.js';
import { findSigner, type KeySource } from './keyring.js';
import { alreadyRecorded, sameEvents } from './repeats.js';
import type { Attempt, RetryPolicy } from './verified-program.js';
import type { Workspace } from './workspace.js';

export interface Recorded {
  readonly events: readonly LedgerEvent[];
  readonly workspace: Workspace;
  /** The same command had already recorded these events (a retry): nothing new was written. */
  readonly alreadyRecorded: boolean;
}

export interface RecordOptions {
  /** The time for a decision taken again, when the command was dated "now" rather than by --at. */
  readonly now?: () => string;
  /** How often a lost race is decided again (default: the verified program's). */
  readonly retry?: RetryPolicy;
}

/**
 * Decide, seal and append, through the workspace's verified program: on a stale head it has caught
 * up on the same store (a folder, or the server the program was opened on), and the command is
 * decided again on the new state. It is appended by itself only when it decides the same as the
 * first time (a new blocker's number aside); otherwise the conflict is reported and nothing written.
 */
export async function record(ws: Workspace, command: Command, keys: KeySource, options: RecordOptions = {}): Promise<Recorded> {
  let cmd = command;
  let first: { readonly drafts: readonly EventDraft[]; readonly head: string | null } | null = null;
  const recorded = await ws.program.decideAndAppend(async (_program, attempt): Promise<Attempt<Recorded>> => {
    if (attempt > 1) {
      await ws.recheckDrift();
      if (options.now !== undefined) cmd = { ...cmd, at: options.now() };
    }
    // A command dated by the clock before the program was opened may find a later event by another
    // writer in it: "now" is then the clock again, not a time before that event.
    const lastAt = ws.state.lastAt;
    if (options.now !== undefined && lastAt !== null && cmd.at < lastAt) cmd = { ...cmd, at: options.now() };
    const admitted = await admit(ws, cmd);
    if (admitted.repeat !== null) return { done: { events: admitted.repeat, workspace: ws, alreadyRecorded: true } };
    if (first !== null && !sameEvents(strip(admitted.drafts, cmd), strip(first.drafts, cmd))) throw new StaleHeadError(first.head, ws.state.head);
    first ??= { drafts: admitted.drafts, head: ws.state.head };
    return { append: await sealAll(ws, cmd, admitted.drafts, keys), answer: (events) => ({ events, workspace: ws, alreadyRecorded: false }) };
  }, options.retry);
  // A definition recorded (or another writer's amendment caught up with) changes what the file is compared to.
  await ws.recheckDrift();
  return recorded;
}

/** The drafts without what the state assigned (see `assignedByState`). */
function strip(drafts: readonly EventDraft[], command: Command): readonly EventDraft[] {
  const assigned = assignedByState(command);
  if (assigned.length === 0) return drafts;
  return drafts.map((d) => ({ ...d, data: Object.fromEntries(Object.entries(d.data).filter(([k]) => !assigned.includes(k))) }) as EventDraft);
}

/** What the command records on this workspace, or the events it already recorded; refuses on drift, a torn tail or the policy. */
async function admit(ws: Workspace, command: Command): Promise<{ repeat: readonly LedgerEvent[] | null; drafts: readonly EventDraft[] }> {
  // A torn tail seen on opening may be another writer's append in flight, complete by now: only
  // one still there refuses the command (the store checks again under its lock).
  if (await ws.program.tornNow()) throw tornLineError(ws.ledgerSource, ws.torn!, 'nothing was recorded');
  const changesDefinition = command.type === 'define-program' || command.type === 'amend-program';
  if (ws.drift && !changesDefinition && ws.state.definitionDigest !== null) {
    const logOwners = ws.state.definition!.roles.filter((r) => r.duties.includes('decision-log-owner')).map((r) => r.id);
    throw new DefinitionDriftError(ws.file.path, (await ws.file.load()).digest, ws.state.definitionDigest, ws.state.definitionSeq, logOwners);
  }
  // Only a last event by this actor at exactly this time can be this command's: the history is read only then.
  const last = ws.program.last;
  const mayRepeat = last !== null && last.actor === command.actor && last.at === command.at;
  const repeat = mayRepeat ? alreadyRecorded(await ws.events(), command) : null;
  if (repeat !== null) return { repeat, drafts: [] };
  const decided = decide(ws.state, command);
  if (!decided.ok) throw decided.error;
  return { repeat: null, drafts: decided.events };
}

async function sealAll(ws: Workspace, command: Command, drafts: readonly EventDraft[], keys: KeySource): Promise<LedgerEvent[]> {
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
  return events;
}
