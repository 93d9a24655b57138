/** Shared steps of commands: open the program, say when the file drifted, pick the time. */
import type { RemoteProgram } from '../../app/remote-workspace.js';
import { openProgram, type Workspace } from '../../app/workspace.js';
import { invalidInput, InvalidTransitionError } from '../../errors.js';
import type { CliIo } from '../io.js';
import type { DirOptions } from '../options.js';
import { recordingTime } from '../clock.js';

/** The server a command works against (--server/--program, else $CUTOVER_SERVER/$CUTOVER_PROGRAM), or null for the directory. */
export function remoteOf(where: DirOptions, io: CliIo): RemoteProgram | null {
  const server = where.server ?? io.env.CUTOVER_SERVER;
  if (server === undefined || server === '') return null;
  const program = where.program ?? io.env.CUTOVER_PROGRAM;
  if (program === undefined || program === '') {
    throw invalidInput({ source: '--program', field: '', expected: `the id of a program on ${server} (--program ID or CUTOVER_PROGRAM)`, found: 'nothing' });
  }
  const token = io.env.CUTOVER_TOKEN;
  return { server, program, ...(token === undefined || token === '' ? {} : { token }) };
}

/** Open the program: the directory `where.dir`, or the program on a server. */
export async function openDefined(where: string | DirOptions, io: CliIo, threads?: number, full = false): Promise<Workspace> {
  const remote = typeof where === 'string' ? null : remoteOf(where, io);
  // The HTTP store and its checks load only for a program on a server.
  if (remote !== null) return (await import('../../app/remote-workspace.js')).openRemoteProgram(remote, io.cwd, threads);
  const dir = typeof where === 'string' ? where : where.dir;
  const ws = await openProgram(resolveDir(dir, io), { ...(threads === undefined ? {} : { threads }), full });
  if (ws.program.note !== undefined) io.stderr(`cutover: note: ${ws.program.note}\n`);
  if (ws.state.definition === null) {
    throw new InvalidTransitionError(`no program definition is recorded in ${ws.ledgerSource} yet`, [
      `record cutover.yaml as the definition: cutover program define --as ${(await ws.file.load()).definition.roles.find((r) => r.duties.includes('decision-log-owner'))?.id ?? '<decision-log-owner role>'}`,
    ]);
  }
  warnOnDrift(ws, io);
  const torn = ws.tornError(`showing the ${ws.state.seq} complete events`);
  if (torn !== null) io.stderr(`cutover: warning: ${torn.message}\n`);
  return ws;
}

export function warnOnDrift(ws: Workspace, io: CliIo): void {
  if (!ws.drift || ws.state.definitionDigest === null) return;
  io.stderr(
    `cutover: warning: ${ws.file.path} differs from the definition in force (seq ${ws.state.definitionSeq}); ` +
      'showing the recorded definition. Nothing can be decided until the change is recorded with cutover program amend.\n',
  );
}

export function resolveDir(dir: string, io: CliIo): string {
  return dir.startsWith('/') ? dir : `${io.cwd}/${dir}`;
}

/** The time to record: now, or `--at` (the past for replays, the future only within the clock skew allowed). */
export function timeOf(at: string | undefined, io: CliIo, maxClockSkew?: string): string {
  return recordingTime(at, io, maxClockSkew);
}
