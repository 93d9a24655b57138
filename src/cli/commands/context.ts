/** Shared steps of commands: open the program, find the server and its token, say when the file drifted, pick the time. */
import type { RemoteProgram } from '../../app/remote-workspace.js';
import type { Server } from '../../app/transfer.js';
import { bearerFor } from '../../app/server-tokens.js';
import { openProgram, type Workspace } from '../../app/workspace.js';
import { invalidInput, InvalidTransitionError } from '../../errors.js';
import type { CliIo } from '../io.js';
import type { DirOptions } from '../options.js';
import { recordingTime } from '../clock.js';
import { ledgerProgress } from '../ledger-progress.js';
import { definitionChanges } from '../../program/definition-changes.js';

/** The server a command works against (--server/--program, else $CUTOVER_SERVER/$CUTOVER_PROGRAM), or null for the directory. */
export function remoteOf(where: DirOptions, io: CliIo): RemoteProgram | null {
  const server = where.server ?? io.env.CUTOVER_SERVER;
  if (server === undefined || server === '') return null;
  const program = where.program ?? io.env.CUTOVER_PROGRAM;
  if (program === undefined || program === '') {
    throw invalidInput({ source: '--program', field: '', expected: `the id of a program on ${server} (--program ID or CUTOVER_PROGRAM)`, found: 'nothing' });
  }
  return { server, program };
}

/** The server a command that needs one works against (--server, else $CUTOVER_SERVER), with the token it sends there. */
export async function serverOf(o: Pick<DirOptions, 'server'>, io: CliIo): Promise<Server> {
  const url = o.server ?? io.env.CUTOVER_SERVER;
  if (url === undefined || url === '') throw invalidInput({ source: '--server', field: '', expected: 'the server URL (--server URL or CUTOVER_SERVER)', found: 'nothing' });
  const token = await bearerFor(url, io.env, io.now());
  return { url, ...(token === undefined ? {} : { token }) };
}

/** Open the program: the directory `where.dir`, or the program on a server. */
export async function openDefined(where: string | DirOptions, io: CliIo, threads?: number, full = false): Promise<Workspace> {
  const remote = typeof where === 'string' ? null : remoteOf(where, io);
  // The HTTP store and its checks load only for a program on a server.
  if (remote !== null) {
    const token = await bearerFor(remote.server, io.env, io.now());
    return (await import('../../app/remote-workspace.js')).openRemoteProgram({ ...remote, ...(token === undefined ? {} : { token }) }, io.cwd, threads);
  }
  const dir = typeof where === 'string' ? where : where.dir;
  // On a terminal, a long verification shows how it goes (ledger-progress.ts); elsewhere nothing.
  const display = ledgerProgress(io.progress);
  const ws = await openProgram(resolveDir(dir, io), { ...(threads === undefined ? {} : { threads }), full, ...(display === null ? {} : { onProgress: display.update }) }).finally(() => display?.close());
  if (ws.program.note !== undefined) io.stderr(`cutover: note: ${ws.program.note}\n`);
  if (ws.state.definition === null) {
    throw new InvalidTransitionError(`no program definition is recorded in ${ws.ledgerSource} yet`, [
      `record cutover.yaml as the definition: cutover program define --as ${(await ws.file.load()).definition.roles.find((r) => r.duties.includes('decision-log-owner'))?.id ?? '<decision-log-owner role>'}`,
    ]);
  }
  await warnOnDrift(ws);
  const torn = ws.tornError(`showing the ${ws.state.seq} complete events`);
  if (torn !== null) io.stderr(`cutover: warning: ${torn.message}\n`);
  return ws;
}

/** cutover.yaml differs from the definition in force: what to say, and what changed. */
export interface DriftNote {
  readonly headline: string;
  readonly changes: readonly string[];
}

// Said once per command, at its end: a command refused for the drift says it in its error, and
// status says it in its body, so neither repeats it (see flushDriftWarning, called by main).
let pendingDrift: DriftNote | null = null;

export async function warnOnDrift(ws: Workspace): Promise<void> {
  if (!ws.drift || ws.state.definitionDigest === null || ws.state.definition === null) return;
  const edited = await ws.file.load().then((l) => l.definition).catch(() => null);
  pendingDrift = {
    headline: `${ws.file.path} differs from the definition in force (seq ${ws.state.definitionSeq}); showing the recorded definition. Nothing can be decided until the change is recorded with cutover program amend.`,
    changes: edited === null ? [] : definitionChanges(ws.state.definition, edited),
  };
}

/** The drift this command found, taken so that it is not said again at the end (status shows it in its body). */
export function takeDriftNote(): DriftNote | null {
  const note = pendingDrift;
  pendingDrift = null;
  return note;
}

/** At the end of a command: the drift warning, once; after a refusal for the drift itself, only what changed. */
export function flushDriftWarning(io: Pick<CliIo, 'stderr'>, refusedForDrift = false): void {
  const note = takeDriftNote();
  if (note === null) return;
  const changes = note.changes.map((c) => `  ${c}\n`).join('');
  if (refusedForDrift) {
    if (changes !== '') io.stderr(`what changed in cutover.yaml:\n${changes}`);
    return;
  }
  io.stderr(`cutover: warning: ${note.headline}\n${changes === '' ? '' : `what changed:\n${changes}`}`);
}

export function resolveDir(dir: string, io: CliIo): string {
  return dir.startsWith('/') ? dir : `${io.cwd}/${dir}`;
}

/** The time to record: now, or `--at` (the past for replays, the future only within the clock skew allowed). */
export function timeOf(at: string | undefined, io: CliIo, maxClockSkew?: string): string {
  return recordingTime(at, io, maxClockSkew);
}
