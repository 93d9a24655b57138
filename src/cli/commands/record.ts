/** The commands that record an event: options → domain command → signed, appended event. */
import { evidenceToAdd, repinToRecord, runToRecord, targetToPublish, targetToVerify, type CollectionIo } from '../../app/evidence-collection.js';
import { analysisToRecord } from '../../app/metric-analysis.js';
import { record } from '../../app/record.js';
import { seriesName } from '../../domain/metric-analysis.js';
import { holds, parseCondition } from '../../domain/success-condition.js';
import { formatDuration, parseDuration } from '../../program/duration.js';
import { openProgram, type Workspace } from '../../app/workspace.js';
import type { Command } from '../../domain/decide.js';
import type { ProgramDefinition } from '../../program/schema.js';
import type { LedgerEvent } from '../../domain/events.js';
import { InvalidTransitionError } from '../../errors.js';
import { refuseSymlinkedTemplates } from '../../program/paths.js';
import { describeEvent } from '../../render/event-words.js';
import { EXIT, type CliIo } from '../io.js';
import type * as O from '../options.js';
import { parseContracts, parseDate, parseId, parseSeverity, parseSha, parseText, parseTime, parseVerdict, parseWhen } from '../parse.js';
import { openDefined, resolveDir, timeOf } from './context.js';

/** `givenAt`: whether the time came from --at (kept on a retry) or from the clock (taken again). */
type RecordingWith = O.RecordingOptions & { readonly givenAt?: boolean };

type CommandBody = Command extends infer C ? (C extends { type: string } ? Omit<C, 'actor' | 'at'> : never) : never;

async function recordWith(ws: Workspace, o: RecordingWith, io: CliIo, body: CommandBody, exit: ExitOf = () => EXIT.ok): Promise<number> {
  const command = { ...body, actor: o.as, at: timeOf(o.at, io, o.maxClockSkew) } as Command;
  const { events, alreadyRecorded } = await record(ws, command, { ...(o.key === undefined ? {} : { keyFile: o.key }), env: io.env }, {
    // A command dated "now" is dated now again on a retry; one given --at keeps its time.
    ...((o.givenAt ?? o.at !== undefined) ? {} : { now: () => io.now().toISOString() }),
  });
  for (const e of events) {
    const what = alreadyRecorded ? 'already recorded' : 'recorded';
    io.stdout(`${what} seq ${e.seq} ${e.type} by ${e.actor} at ${e.at}: ${describeEvent(e)}\n  head ${e.hash}\n`);
  }
  if (alreadyRecorded) io.stderr('cutover: the same command (same role, time and content) is already the last thing recorded; nothing new was written\n');
  return exit(events);
}

/** The exit code of a command that recorded `events` (a failed check is recorded and still says no). */
type ExitOf = (events: readonly LedgerEvent[]) => number;

async function recordCommand(o: RecordingWith, io: CliIo, body: (ws: Workspace) => CommandBody | Promise<CommandBody>, exit?: ExitOf): Promise<number> {
  // The time is taken before any collector runs, so a long suite cannot date its record later than it started.
  const at = timeOf(o.at, io, o.maxClockSkew);
  const ws = await openDefined(o, io);
  // Evidence is collected once; a lost race is decided again on the new state by the verified program.
  return recordWith(ws, { ...o, at, givenAt: o.givenAt ?? o.at !== undefined }, io, await body(ws), exit);
}

export async function programDefine(o: O.RecordingOptions, io: CliIo): Promise<number> {
  const ws = await openProgram(resolveDir(o.dir, io));
  if (ws.state.definition !== null) {
    throw new InvalidTransitionError(`program ${ws.state.program} is already defined (seq ${ws.state.definitionSeq})`, [
      'to change it, edit cutover.yaml and run: cutover program amend --as <decision-log-owner role> --reason "…"',
    ]);
  }
  const { definition, digest, fileDigest } = await ws.file.load();
  await refuseSymlinkedTemplates(definition.records, ws.dir, ws.file.path);
  warnRolesWithoutKeys(definition, ws.file.path, io);
  return recordWith(ws, o, io, { type: 'define-program', definition, digest, fileDigest });
}

/** Still recorded: a role may get its key later (by an amendment); until then it cannot sign, and the user should know. */
function warnRolesWithoutKeys(definition: ProgramDefinition, file: string, io: CliIo): void {
  const keyless = definition.roles.filter((r) => r.keys.length === 0).map((r) => r.id);
  if (keyless.length === 0) return;
  io.stderr(
    `cutover: warning: ${keyless.length === 1 ? 'role' : 'roles'} with no keys in ${file}: ${keyless.join(', ')}; ` +
      `${keyless.length === 1 ? 'it' : 'they'} cannot sign anything until a public key is listed under keys: ` +
      `(cutover keys generate --role <id> prints one), recorded with cutover program amend\n`,
  );
}

export function programAmend(o: O.AmendOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, async (ws) => {
    const { definition, digest, fileDigest } = await ws.file.load();
    await refuseSymlinkedTemplates(definition.records, ws.dir, ws.file.path);
    warnRolesWithoutKeys(definition, ws.file.path, io);
    return { type: 'amend-program', definition, digest, fileDigest, reason: parseText('--reason', o.reason) };
  });
}

export function verdict(o: O.VerdictOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({ type: 'cast-verdict', decision: o.decision, verdict: parseVerdict(o.verdict), ...optionalText('note', '--note', o.note) }));
}

export function targetPublish(o: O.TargetPublishOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, (ws) =>
    targetToPublish(ws, collectionIo(io), {
      target: { tag: parseText('--tag', o.tag), sha: parseSha('--sha', o.sha), contracts: parseContracts('--contract', o.contract) },
      baseline: o.baseline === true,
      as: o.as,
      ...(o.repo === undefined ? {} : { repo: o.repo }),
    }),
  );
}

export function targetVerify(o: O.TargetVerifyOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, (ws) => targetToVerify(ws, collectionIo(io), { as: o.as, ...(o.repo === undefined ? {} : { repo: o.repo }) }), (events) =>
    events.some((e) => e.type === 'target.verified' && !e.data.ok) ? EXIT.noGo : EXIT.ok,
  );
}

export function evidenceAdd(o: O.EvidenceAddOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, (ws) => evidenceToAdd(ws, collectionIo(io), { ...o, ...optionalText('summary', '--summary', o.summary) }), failedEvidenceExit);
}

export function evidenceRepin(o: O.EvidenceRepinOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, (ws) => repinToRecord(ws, collectionIo(io), { ...o, ...optionalText('summary', '--summary', o.summary) }));
}

export function evidenceRun(o: O.EvidenceRunOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, (ws) => runToRecord(ws, collectionIo(io), { ...o, ...optionalText('summary', '--summary', o.summary) }), failedEvidenceExit);
}

/** What collecting evidence needs of the CLI's I/O: its folder, environment, clock, progress display and warnings. */
function collectionIo(io: CliIo): CollectionIo {
  return { cwd: io.cwd, env: io.env, now: io.now, ...(io.progress === undefined ? {} : { progress: io.progress }), warn: (text) => io.stderr(`cutover: warning: ${text}\n`) };
}

/** A failed run or rollback is recorded, and the command still says no. */
function failedEvidenceExit(events: readonly LedgerEvent[]): number {
  return events.some((e) => e.type === 'evidence.added' && e.data.result === 'fail') ? EXIT.noGo : EXIT.ok;
}

/** An optional free-text field: absent, or checked like any text flag. */
function optionalText<K extends string>(key: K, flag: string, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: parseText(flag, value) } as Record<K, string>);
}

export function blockerRaise(o: O.BlockerRaiseOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({
    type: 'raise-blocker',
    text: parseText('--text', o.text),
    owner: o.owner,
    due: parseDate('--due', o.due),
    ...(o.phase === undefined ? {} : { phase: o.phase }),
    ...(o.id === undefined ? {} : { id: parseId('--id', o.id) }),
  }));
}

export function reviewRecord(o: O.ReviewRecordOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({ type: 'record-review', phase: o.phase, note: o.note }));
}

export function programCorrectClock(o: O.CorrectClockOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({ type: 'correct-clock', reason: parseText('--reason', o.reason) }));
}

export function noticeGive(o: O.NoticeGiveOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({ type: 'give-notice', gate: o.gate, text: o.text }));
}

export function blockerResolve(o: O.BlockerResolveOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({ type: 'resolve-blocker', id: o.id, note: parseText('--note', o.note) }));
}

export function phase(o: O.PhaseOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () =>
    o.step === 'start'
      ? { type: 'start-phase', phase: o.phase }
      : { type: o.step === 'close' ? 'close-phase' : 'complete-phase', phase: o.phase, reason: parseText('--reason', o.reason!) },
  );
}

export function incidentDeclare(o: O.IncidentDeclareOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({
    type: 'declare-incident',
    trigger: o.trigger,
    severity: parseSeverity('--severity', o.severity),
    summary: parseText('--summary', o.summary),
    ...(o.identifiedAt === undefined ? {} : { identifiedAt: parseTime('--identified-at', o.identifiedAt) }),
    ...(o.party === undefined ? {} : { party: o.party }),
    ...(o.id === undefined ? {} : { id: parseId('--id', o.id) }),
    ...optionalText('contractMode', '--contract-mode', o.contractMode),
  }));
}

export function incidentNotify(o: O.IncidentNotifyOptions, io: CliIo): Promise<number> {
  const at = timeOf(o.at, io, o.maxClockSkew);
  return recordCommand({ ...o, at, givenAt: o.at !== undefined }, io, () => ({
    type: 'notify-incident',
    id: o.id,
    actions: o.actions.map((a) => parseText('--action', a)),
    ...(o.nextUpdate === undefined ? {} : { nextUpdate: parseWhen('--next-update', o.nextUpdate, at) }),
    ...optionalText('note', '--note', o.note),
    ...(o.party === undefined ? {} : { party: o.party }),
  }));
}

export function incidentUpdate(o: O.IncidentUpdateOptions, io: CliIo): Promise<number> {
  const at = timeOf(o.at, io, o.maxClockSkew);
  return recordCommand({ ...o, at, givenAt: o.at !== undefined }, io, () => ({
    type: 'update-incident',
    id: o.id,
    note: parseText('--note', o.note),
    actions: o.actions.map((a) => parseText('--action', a)),
    ...(o.severity === undefined ? {} : { severity: parseSeverity('--severity', o.severity) }),
    ...(o.nextUpdate === undefined ? {} : { nextUpdate: parseWhen('--next-update', o.nextUpdate, at) }),
    ...(o.party === undefined ? {} : { party: o.party }),
  }));
}

export function incidentSummary(o: O.IncidentSummaryOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => ({ type: 'summarize-incident', id: o.id, summary: parseText('--summary', o.summary), residualRisk: parseText('--residual-risk', o.residualRisk), ...(o.party === undefined ? {} : { party: o.party }) }));
}

const STEP_COMMAND = {
  'recommend-rollback': 'recommend-rollback',
  'rollback-executed': 'execute-rollback',
  'confirm-repin': 'confirm-repin',
  approve: 'approve-incident',
  close: 'close-incident',
} as const;

export function incidentStep(o: O.IncidentStepOptions, io: CliIo): Promise<number> {
  return recordCommand(o, io, () => {
    const party = o.party === undefined ? {} : { party: o.party };
    const type = STEP_COMMAND[o.step];
    if (type === 'confirm-repin') return { type, id: o.id, ...party };
    return { type, id: o.id, ...party, ...optionalText('note', '--note', o.note) };
  });
}

/**
 * A metric analysis: samples printed as they come, with the time left; recorded once the last is
 * taken (dated then, not at the start: the samples come before the record).
 */
export async function evidenceAnalyze(o: O.EvidenceAnalyzeOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o, io);
  const intervalMs = parseDuration(o.interval) ?? 0;
  const condition = parseCondition(o.success, '--success');
  if (!('op' in condition)) throw condition;
  let failed = 0;
  let unanswered = 0;
  const body = await analysisToRecord(
    ws,
    {
      now: io.now,
      onSample: (sample, i) => {
        const n = `${i + 1}/${o.count}`;
        if ('error' in sample || sample.series.length === 0) {
          unanswered++;
          io.stdout(`sample ${n} ${sample.at}: NO ANSWER (${'error' in sample ? sample.error : 'no series'})\n`);
        } else {
          const broken = sample.series.filter((s) => !holds(condition, s.value));
          if (broken.length > 0) failed++;
          const shown = (broken.length > 0 ? broken : sample.series).slice(0, 3).map((s) => `${seriesName(s.labels)} = ${s.value}`).join(', ');
          io.stdout(`sample ${n} ${sample.at}: ${broken.length > 0 ? `FAIL ${shown}` : `ok ${shown}`}${sample.series.length > 3 ? ` (${sample.series.length} series)` : ''}\n`);
        }
        const left = (o.count - 1 - i) * intervalMs;
        io.stdout(`  ${i + 1} of ${o.count} samples, ${failed} failed (limit ${o.failureLimit}), ${unanswered} without answer; ${formatDuration(left)} left\n`);
      },
    },
    {
      party: o.party,
      as: o.as,
      prometheus: o.prometheus,
      query: parseText('--query', o.query),
      success: o.success,
      interval: o.interval,
      count: o.count,
      failureLimit: o.failureLimit,
      ...optionalText('summary', '--summary', o.summary),
    },
  );
  return recordWith(ws, o, io, body, (events) => {
    const e = events.find((x) => x.type === 'evidence.added');
    if (e?.type === 'evidence.added' && e.data.kind === 'metric-analysis') io.stdout(`${e.data.summary}\n  samples ${e.data.samples.file}\n`);
    return failedEvidenceExit(events);
  });
}
