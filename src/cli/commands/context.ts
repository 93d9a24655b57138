/** Shared steps of commands: open the program, say when the file drifted, pick the time. */
import { openProgram, type Workspace } from '../../app/workspace.js';
import { InvalidTransitionError } from '../../errors.js';
import { tornLineError } from '../../ledger/verify.js';
import type { CliIo } from '../io.js';
import { recordingTime } from '../clock.js';

export async function openDefined(dir: string, io: CliIo, threads?: number, full = false): Promise<Workspace> {
  const ws = await openProgram(resolveDir(dir, io), { ...(threads === undefined ? {} : { threads }), full });
  if (ws.ledger.note !== undefined) io.stderr(`cutover: note: ${ws.ledger.note}\n`);
  if (ws.state.definition === null) {
    throw new InvalidTransitionError(`no program definition is recorded in ${ws.ledgerSource} yet`, [
      `record cutover.yaml as the definition: cutover program define --as ${(await ws.file.load()).definition.roles.find((r) => r.duties.includes('decision-log-owner'))?.id ?? '<decision-log-owner role>'}`,
    ]);
  }
  warnOnDrift(ws, io);
  if (ws.torn !== undefined) {
    io.stderr(`cutover: warning: ${tornLineError(ws.ledgerSource, ws.torn, `showing the ${ws.state.seq} complete events`).message}\n`);
  }
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
