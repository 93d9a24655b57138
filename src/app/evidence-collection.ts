/**
 * Evidence collected for a command: the collectors (`src/evidence`: git, the suite runner, files)
 * report, the domain judges where a run counts, and what comes back is the command to record. The
 * CLI hands over what was asked for; it neither collects nor judges.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from '../domain/decide.js';
import { missingRollbackTarget, rollbackEvidenceRefusal } from '../domain/rollback-checkout.js';
import { noTargetError, verificationRunRefusal } from '../domain/run-checkout.js';
import { evidenceTarget } from '../domain/state.js';
import { invalidInput, InvalidTransitionError, UnknownNameError } from '../errors.js';
import { checkTargetInRepo, collectCheckout, collectRepin, collectRun, recheckTargetInRepo } from '../evidence/collect.js';
import { hashFileInside } from '../evidence/files.js';
import { progressFor } from '../evidence/progress.js';
import { atRollbackTarget } from '../evidence/rollback-worktree.js';
import { atEvidenceTarget } from '../evidence/target-worktree.js';
import { MAX_JSON_FILE_BYTES, MAX_NESTING, nestingDepth } from '../program/limits.js';
import { findCheckout, requireCheckout, type CheckoutContext } from './checkout.js';
import type { Workspace } from './workspace.js';

/** A command as collected: everything but who records it and when. */
export type CommandBody = Command extends infer C ? (C extends { type: string } ? Omit<C, 'actor' | 'at'> : never) : never;

/** Where collection happens: the folder the command runs in, its environment and clock, where progress and warnings go. */
export interface CollectionIo {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
  readonly progress?: { write(text: string): unknown; readonly isTTY?: boolean };
  warn(text: string): void;
}

/** Publishing a target: checked in the producer's checkout when there is one (--repo or checkout:). */
export async function targetToPublish(ws: Workspace, io: CollectionIo, ask: { target: { tag: string; sha: string; contracts: Record<string, string> }; baseline: boolean; as: string; repo?: string }): Promise<CommandBody> {
  const repo = findCheckout(checkoutContext(ws, io), producerOf(ws, ask.as), ask.repo);
  const check = repo === null ? null : await checkTargetInRepo(repo, ask.target.tag, ask.target.sha);
  if (repo === null && !ask.baseline) io.warn('published without --repo: the target is not verified, and the target gate stays unmet until cutover target verify');
  return { type: 'publish-target', target: ask.target, as: ask.baseline ? 'baseline' : 'candidate', check };
}

/** The published target checked again in the producer's checkout (a moved or re-created tag is caught). */
export async function targetToVerify(ws: Workspace, io: CollectionIo, ask: { as: string; repo?: string }): Promise<CommandBody> {
  const target = ws.state.target;
  if (target === null) throw new InvalidTransitionError('no runtime target has been published to verify');
  return { type: 'verify-target', check: await recheckTargetInRepo(requireCheckout(checkoutContext(ws, io), producerOf(ws, ask.as), '--repo', ask.repo), target) };
}

/** What `evidence add` asks for. */
export interface EvidenceAsk {
  readonly kind: string;
  readonly party: string;
  readonly summary?: string;
  readonly file?: string;
  readonly verdict?: string;
  readonly suite?: string;
  readonly cwd?: string;
  /** rollback-*: run in a temporary worktree at the rollback target, made from the party's checkout. */
  readonly atRollbackTarget?: boolean;
}

/** A handoff payload, an artifact, or a rollback drill or execution run where rollback evidence counts. */
export async function evidenceToAdd(ws: Workspace, io: CollectionIo, ask: EvidenceAsk): Promise<CommandBody> {
  const party = partyOf(ws, ask.party);
  const base = { type: 'add-evidence' as const, party: party.id, ...(ask.summary === undefined ? {} : { summary: ask.summary }) };
  switch (ask.kind) {
    case 'handoff-payload': {
      const file = await hashFileInside(ws.dir, required('--file', ask.file, ask.kind), '--file');
      if (file.bytes > MAX_JSON_FILE_BYTES) {
        throw invalidInput({ source: `--file ${ask.file}`, field: '', expected: `a handoff payload of at most ${MAX_JSON_FILE_BYTES.toLocaleString('en-US')} bytes`, found: `${file.bytes.toLocaleString('en-US')} bytes` });
      }
      const payload = parseJsonFile(join(ws.dir, file.path), await readFile(join(ws.dir, file.path), 'utf8'));
      // Its schema loads TypeBox: only for a payload, not for every command that records evidence.
      const { handoffEvidence } = await import('../domain/handoff-schema.js');
      return { ...base, evidence: handoffEvidence(file.path, file.sha256, payload) };
    }
    case 'artifact': {
      const file = await hashFileInside(ws.dir, required('--file', ask.file, ask.kind), '--file');
      return { ...base, evidence: { kind: 'artifact', file: file.path, sha256: file.sha256, bytes: file.bytes } };
    }
    case 'rollback-drill':
    case 'rollback-execution': {
      const verdict = required('--verdict', ask.verdict, ask.kind) as 'READY' | 'PASS' | 'FAIL';
      const kind = ask.kind;
      // The baseline and the checkout are checked before the suite runs, not after.
      const options = runOptions(ws, party.id, ask.cwd, io);
      const runThere = async (cwd: string) => {
        const checkout = await collectCheckout(cwd, party);
        const refused = rollbackEvidenceRefusal(ws.state, party, kind, checkout);
        if (refused !== null) throw refused;
        const run = await collectRun(party, ask.suite, { ...options, cwd });
        return { ...base, evidence: { kind, verdict, run, checkout } };
      };
      if (ask.atRollbackTarget !== true) return runThere(options.cwd);
      const noTarget = missingRollbackTarget(ws.state, kind);
      if (noTarget !== null) throw noTarget;
      return atRollbackTarget(options.cwd, party, ws.state.rollbackTarget!, runThere);
    }
    default:
      throw invalidInput({ source: '--kind', field: '', expected: 'handoff-payload, rollback-drill, rollback-execution or artifact (repins and runs: cutover evidence repin / run)', found: JSON.stringify(ask.kind) });
  }
}

/** A consumer's atomic repin: the commit that changed every pin-set file, read from its checkout. */
export async function repinToRecord(ws: Workspace, io: CollectionIo, ask: { party: string; commit: string; repo?: string; producerRepo?: string; summary?: string }): Promise<CommandBody> {
  const party = partyOf(ws, ask.party);
  const target = evidenceTarget(ws.state);
  const producer = ask.producerRepo === undefined || target === null ? undefined : { repoPath: resolve(io.cwd, ask.producerRepo), commit: target.sha };
  const facts = await collectRepin(requireCheckout(checkoutContext(ws, io), party.id, '--repo', ask.repo), ask.commit, party, producer);
  return { type: 'add-evidence', party: party.id, ...(ask.summary === undefined ? {} : { summary: ask.summary }), evidence: { kind: 'repin', facts } };
}

/** A verification suite run where a run counts (checked before it runs), or in a temporary worktree at the target. */
export async function runToRecord(ws: Workspace, io: CollectionIo, ask: { party: string; suite?: string; cwd?: string; atTarget?: boolean; summary?: string }): Promise<CommandBody> {
  const party = partyOf(ws, ask.party);
  const options = runOptions(ws, party.id, ask.cwd, io);
  // Where the suite runs is checked before it runs, not after: a run away from the target records nothing.
  const runThere = async (cwd: string) => {
    const checkout = await collectCheckout(cwd, party);
    const refused = verificationRunRefusal(ws.state, party, checkout);
    if (refused !== null) throw refused;
    const run = await collectRun(party, ask.suite, { ...options, cwd });
    return { type: 'add-evidence' as const, party: party.id, ...(ask.summary === undefined ? {} : { summary: ask.summary }), evidence: { kind: 'verification-run' as const, run, checkout } };
  };
  if (ask.atTarget !== true) return runThere(options.cwd);
  const target = evidenceTarget(ws.state);
  if (target === null) throw noTargetError();
  return atEvidenceTarget(options.cwd, ws.state, party, target, runThere);
}

function runOptions(ws: Workspace, party: string, cwd: string | undefined, io: CollectionIo) {
  return { cwd: findCheckout(checkoutContext(ws, io), party, cwd) ?? io.cwd, env: io.env, now: io.now, ...(io.progress === undefined ? {} : { progress: progressFor(io.progress) }) };
}

function checkoutContext(ws: Workspace, io: CollectionIo): CheckoutContext {
  return { def: ws.state.definition!, dir: ws.dir, cwd: io.cwd, env: io.env };
}

/** The producer a target is published for: the recording role's party when it is a producer, else the first producer. */
function producerOf(ws: Workspace, role: string): string {
  const def = ws.state.definition!;
  const party = def.roles.find((r) => r.id === role)?.party;
  const producers = def.parties.filter((p) => p.kind === 'producer');
  return (producers.find((p) => p.id === party) ?? producers[0])?.id ?? '';
}

function partyOf(ws: Workspace, id: string) {
  const def = ws.state.definition!;
  const party = def.parties.find((p) => p.id === id);
  if (party === undefined) throw new UnknownNameError('party', id, def.parties.map((p) => p.id));
  return party;
}

function required<T>(flag: string, value: T | undefined, kind: string): T {
  if (value === undefined) throw invalidInput({ source: flag, field: '', expected: `${flag} for --kind ${kind}`, found: 'nothing' });
  return value;
}

function parseJsonFile(file: string, text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (e) {
    throw invalidInput({ source: file, field: '', expected: 'a JSON document', found: (e as Error).message });
  }
  if (nestingDepth(value) > MAX_NESTING) throw invalidInput({ source: file, field: '', expected: `a JSON document nested at most ${MAX_NESTING} levels deep`, found: 'deeper nesting' });
  return value;
}
