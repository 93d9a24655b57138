/** The commands that record an event: options → domain command → signed, appended event. */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { record } from '../../app/record.js';
import { openProgram, type Workspace } from '../../app/workspace.js';
import type { Command } from '../../domain/decide.js';
import { invalidInput, InvalidTransitionError } from '../../errors.js';
import type { EvidenceKindName, SeverityName } from '../../program/schema.js';
import { EXIT, type CliIo } from '../io.js';
import type * as O from '../options.js';
import { parseContracts, parseDate, parseSha, parseVerdict } from '../parse.js';
import { openDefined, resolveDir, timeOf } from './context.js';

type CommandBody = Command extends infer C ? (C extends { type: string } ? Omit<C, 'actor' | 'at'> : never) : never;

async function recordWith(ws: Workspace, o: O.RecordingOptions, io: CliIo, body: CommandBody): Promise<number> {
  const command = { ...body, actor: o.as, at: timeOf(o.at, io) } as Command;
  const { events } = await record(ws, command, { ...(o.key === undefined ? {} : { keyFile: o.key }), env: io.env });
  for (const e of events) io.stdout(`recorded seq ${e.seq} ${e.type} by ${e.actor} at ${e.at}\n  head ${e.hash}\n`);
  return EXIT.ok;
}

async function recordCommand(o: O.RecordingOptions, io: CliIo, body: (ws: Workspace) => CommandBody | Promise<CommandBody>): Promise<number> {
  const ws = await openDefined(o.dir, io);
  return recordWith(ws, o, io, await body(ws));
}

export async function programDefine(o: O.RecordingOptions, io: CliIo): Promise<number> {
  const ws = await openProgram(resolveDir(o.dir, io));
  if (ws.state.definition !== null) {
    throw new InvalidTransitionError(`program ${ws.state.program} is already defined (seq ${ws.state.definitionSeq})`, [
      'to change it, edit cutover.yaml and run: cutover program amend --as <decision-log-owner role> --reason "…"',
    ]);
  }
  const { definition, digest, fileDigest } = await ws.file.load();
  return recordWith(ws, o, io, { type: 'define-program', definition, digest, fileDigest });
}

export function programAmend(o: O.AmendOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, async (ws) => {
    const { definition, digest, fileDigest } = await ws.file.load();
    return { type: 'amend-program', definition, digest, fileDigest, reason: o.reason };
  });
}

export function verdict(o: O.VerdictOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({ type: 'cast-verdict', decision: o.decision, verdict: parseVerdict(o.verdict), ...(o.note === undefined ? {} : { note: o.note }) }));
}

export function targetPublish(o: O.TargetPublishOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({
    type: 'publish-target',
    target: { tag: o.tag, sha: parseSha('--sha', o.sha), contracts: parseContracts('--contract', o.contract) },
    as: o.baseline ? 'baseline' : 'candidate',
  }));
}

export function evidenceAdd(o: O.EvidenceAddOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, async (ws) => {
    const { path, sha256 } = await hashFileInside(ws.dir, o.file);
    return {
      type: 'add-evidence',
      kind: o.kind as EvidenceKindName,
      party: o.party,
      result: o.result as 'pass' | 'fail',
      summary: o.summary,
      artifact: { path, sha256 },
    };
  });
}

/** sha256 of a file inside the program directory (streamed), with its path relative to it. */
async function hashFileInside(dir: string, file: string): Promise<{ path: string; sha256: string }> {
  const source = `--file ${file}`;
  let real: string;
  try {
    real = await realpath(resolve(dir, file));
  } catch (e) {
    throw invalidInput({ source, field: '', expected: 'an existing file', found: (e as NodeJS.ErrnoException).code ?? 'unreadable' });
  }
  const root = await realpath(dir);
  const rel = relative(root, real);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw invalidInput({ source, field: '', expected: `a file inside the program directory ${root}`, found: real });
  }
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(real)) hash.update(chunk as Buffer);
  return { path: rel.split(sep).join('/'), sha256: `sha256:${hash.digest('hex')}` };
}

export function blockerRaise(o: O.BlockerRaiseOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({
    type: 'raise-blocker',
    text: o.text,
    owner: o.owner,
    due: parseDate('--due', o.due),
    ...(o.phase === undefined ? {} : { phase: o.phase }),
    ...(o.id === undefined ? {} : { id: o.id }),
  }));
}

export function blockerResolve(o: O.BlockerResolveOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({ type: 'resolve-blocker', id: o.id, note: o.note }));
}

export function phase(o: O.PhaseOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () =>
    o.step === 'start'
      ? { type: 'start-phase', phase: o.phase }
      : { type: o.step === 'close' ? 'close-phase' : 'complete-phase', phase: o.phase, reason: o.reason! },
  );
}

export function incidentDeclare(o: O.IncidentDeclareOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, (ws) => ({
    type: 'declare-incident',
    party: o.party ?? ws.state.definition!.roles.find((r) => r.id === o.as)?.party ?? o.as,
    severity: o.severity as SeverityName,
    summary: o.summary,
    ...(o.id === undefined ? {} : { id: o.id }),
  }));
}

export function incidentClose(o: O.IncidentCloseOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({ type: 'close-incident', id: o.id, summary: o.summary }));
}

