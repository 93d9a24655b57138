/**
 * The CLI: its global options and the handlers it runs; each command group declares its own
 * commands and options (`declare/`), and turns argv into the typed options a command receives.
 * No domain logic here: each action hands its options to a handler (lazily imported in `main.ts`;
 * mocked in the argv table tests).
 */
import { Command } from 'commander';
import type { CompletionOptions } from './commands/completion.js';
import type { CliContext } from './declare/context.js';
import { declareAttest } from './declare/attest.js';
import { declareCompletion } from './declare/completion.js';
import { declareBridge } from './declare/bridge.js';
import { declareHistory } from './declare/history.js';
import { declareIncidents } from './declare/incidents.js';
import { declareReading } from './declare/reading.js';
import { declareRecording } from './declare/recording.js';
import { declareRecords } from './declare/records.js';
import { declareLogin } from './declare/login.js';
import { declareNotify } from './declare/notify.js';
import { declareServer } from './declare/server.js';
import { declareSetup } from './declare/setup.js';
import type * as O from './options.js';
import type { AuditOptions } from './commands/audit.js';
import type * as S from './server-options.js';

export interface Handlers {
  init(o: O.InitOptions): Promise<number>;
  keysGenerate(o: O.KeysGenerateOptions): Promise<number>;
  keysShow(o: O.KeysShowOptions): Promise<number>;
  programDefine(o: O.RecordingOptions): Promise<number>;
  programAmend(o: O.AmendOptions): Promise<number>;
  programCorrectClock(o: O.CorrectClockOptions): Promise<number>;
  status(o: O.StatusOptions): Promise<number>;
  gate(o: O.GateOptions): Promise<number>;
  verdict(o: O.VerdictOptions): Promise<number>;
  targetPublish(o: O.TargetPublishOptions): Promise<number>;
  targetVerify(o: O.TargetVerifyOptions): Promise<number>;
  targetCheck(o: O.TargetCheckOptions): Promise<number>;
  evidenceAdd(o: O.EvidenceAddOptions): Promise<number>;
  evidenceRepin(o: O.EvidenceRepinOptions): Promise<number>;
  evidenceRun(o: O.EvidenceRunOptions): Promise<number>;
  evidenceAnalyze(o: O.EvidenceAnalyzeOptions): Promise<number>;
  bridgeAlertmanager(o: O.BridgeOptions): Promise<number>;
  evidenceCheck(o: O.EvidenceCheckOptions): Promise<number>;
  handoffGenerate(o: O.HandoffGenerateOptions): Promise<number>;
  handoffVerify(o: O.HandoffVerifyOptions): Promise<number>;
  blockerRaise(o: O.BlockerRaiseOptions): Promise<number>;
  blockerResolve(o: O.BlockerResolveOptions): Promise<number>;
  phase(o: O.PhaseOptions): Promise<number>;
  reviewRecord(o: O.ReviewRecordOptions): Promise<number>;
  noticeGive(o: O.NoticeGiveOptions): Promise<number>;
  incidentDeclare(o: O.IncidentDeclareOptions): Promise<number>;
  incidentNotify(o: O.IncidentNotifyOptions): Promise<number>;
  incidentUpdate(o: O.IncidentUpdateOptions): Promise<number>;
  incidentSummary(o: O.IncidentSummaryOptions): Promise<number>;
  incidentStep(o: O.IncidentStepOptions): Promise<number>;
  incidentNotice(o: O.IncidentNoticeOptions): Promise<number>;
  log(o: O.LogOptions): Promise<number>;
  verify(o: O.VerifyOptions): Promise<number>;
  sync(o: O.SyncOptions): Promise<number>;
  exportBundle(o: O.ExportOptions): Promise<number>;
  importBundle(o: O.ImportBundleOptions): Promise<number>;
  render(o: O.RenderOptions): Promise<number>;
  audit(o: AuditOptions): Promise<number>;
  serve(o: S.ServeOptions): Promise<number>;
  push(o: O.DirOptions): Promise<number>;
  pull(o: O.DirOptions): Promise<number>;
  login(o: S.LoginOptions): Promise<number>;
  notifyDeadLetters(o: S.DeadLettersOptions): Promise<number>;
  notifyRedeliver(o: S.RedeliverOptions): Promise<number>;
  completion(o: CompletionOptions): Promise<number>;
  attestCreate(o: O.AttestCreateOptions): Promise<number>;
  attestSign(o: O.AttestSignOptions): Promise<number>;
  attestVerify(o: O.AttestVerifyOptions): Promise<number>;
}

export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}


/** The top-level commands, in the order help lists them. */
export const COMMAND_NAMES = [
  'init', 'keys', 'program', 'status', 'gate', 'verdict', 'target', 'evidence', 'handoff', 'blocker', 'phase', 'review', 'notice',
  'incident', 'bridge', 'log', 'verify', 'sync', 'export', 'import-bundle', 'render', 'audit', 'serve', 'push', 'pull', 'login', 'notify', 'attest', 'completion',
] as const;

/** Options of the CLI itself that take a value: that value is not a command name. */
const GLOBAL_OPTIONS_WITH_VALUE = new Set(['-C', '--dir', '--server', '--program']);

/**
 * The one top-level command argv runs, when that is certain: then only it need be declared (declaring
 * every command and option costs each start about 3 ms). Undefined, so everything is declared, for
 * help, --version, an unknown command or option, and `completion` (its script lists every command).
 */
export function commandToRun(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (GLOBAL_OPTIONS_WITH_VALUE.has(arg)) {
      i++;
      continue;
    }
    if (/^(-C.|--(dir|server|program)=)/.test(arg)) continue;
    if (arg.startsWith('-')) return undefined;
    return (COMMAND_NAMES as readonly string[]).includes(arg) && arg !== 'completion' ? arg : undefined;
  }
  return undefined;
}

/**
 * Build the CLI; `exitCode` receives what the chosen handler returned. With `only`, declare that
 * top-level command alone (see commandToRun); parsing argv that runs it is the same either way.
 */
export function buildCli(handlers: Handlers, output: Output, exitCode: (code: number) => void, only?: string): Command {
  const wanted = (name: (typeof COMMAND_NAMES)[number]) => only === undefined || only === name;
  const cli = new Command('cutover')
    .description('Cutover-as-code: one signed, hash-chained ledger per runtime cutover program, and everything derived from it.')
    .option('-C, --dir <dir>', 'the program directory (holding cutover.yaml)', '.')
    .option('--server <url>', 'work on a program on a Cutover server instead of a directory (else $CUTOVER_SERVER)')
    .option('--program <id>', 'with --server: the program id (else $CUTOVER_PROGRAM)')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: output.stdout, writeErr: output.stderr });

  const dir = () => String(cli.opts().dir);
  /** The directory, and the server and program when given (status, gate, log, verify, recording commands). */
  const where = (): O.DirOptions => {
    const { server, program } = cli.opts() as { server?: string; program?: string };
    return { dir: dir(), ...(server === undefined ? {} : { server }), ...(program === undefined ? {} : { program }) };
  };
  const run = (work: Promise<number>) => work.then(exitCode);
  const recording = (cmd: Command) =>
    cmd
      .requiredOption('--as <role>', 'the role recording this; its key signs the event')
      .option('--key <file>', 'the signing key (else $CUTOVER_KEY_<ROLE>, else the default key location)')
      .option('--at <time>', 'ISO 8601 time with a zone, for replaying history (default: now; at most --max-clock-skew ahead of now)')
      .option('--max-clock-skew <duration>', 'how far --at may be ahead of this machine\'s clock (default: $CUTOVER_MAX_CLOCK_SKEW, else 5m)');
  const rec = (o: Record<string, unknown>): O.RecordingOptions => ({
    ...where(),
    as: o.as as string,
    ...(o.key === undefined ? {} : { key: o.key as string }),
    ...(o.at === undefined ? {} : { at: o.at as string }),
    ...(o.maxClockSkew === undefined ? {} : { maxClockSkew: o.maxClockSkew as string }),
  });
  const opt = <K extends string, V>(key: K, value: V | undefined) => (value === undefined ? {} : ({ [key]: value } as Record<K, V>));

  // One module per command group, each declaring its own commands and options, in the order help lists them.
  const context: CliContext = { cli, handlers, dir, where, run, recording, rec, opt, wanted };
  declareSetup(context);
  declareReading(context);
  declareRecording(context);
  declareIncidents(context);
  declareBridge(context);
  declareHistory(context);
  declareRecords(context);
  declareServer(context);
  declareLogin(context);
  declareNotify(context);
  declareAttest(context);
  declareCompletion(context);

  return cli;
}
