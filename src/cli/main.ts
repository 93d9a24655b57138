/**
 * The CLI entry: parse argv, run one command, map any error to its documented exit code.
 * Command modules load lazily so `cutover status` pays only for what it uses.
 */
import { CommanderError } from 'commander';
import { preloadLineChecks } from '../app/folder-ledger.js';
import { checkSignatureSetting } from '../app/signature-setting.js';
import { CutoverError, DefinitionDriftError } from '../errors.js';
import { flushDriftWarning } from './commands/context.js';
import { formatError } from './format.js';
import { asInputError } from './system-errors.js';
import { escapeForTerminal } from './terminal-text.js';
import { EXIT, type CliIo } from './io.js';
import { buildCli, commandToRun, type Handlers } from './program.js';
import { packageVersion } from './version.js';

const EXIT_BY_KIND = { policy: EXIT.noGo, input: EXIT.input, ledger: EXIT.ledger } as const;

export function defaultHandlers(io: CliIo): Handlers {
  const recording = () => import('./commands/record.js');
  return {
    init: async (o) => (await import('./commands/init.js')).init(o, io),
    keysGenerate: async (o) => (await import('./commands/keys.js')).keysGenerate(o, io),
    keysShow: async (o) => (await import('./commands/keys.js')).keysShow(o, io),
    programDefine: async (o) => (await recording()).programDefine(o, io),
    programAmend: async (o) => (await recording()).programAmend(o, io),
    programCorrectClock: async (o) => (await recording()).programCorrectClock(o, io),
    status: async (o) => (await import('./commands/status.js')).status(o, io),
    gate: async (o) => (await import('./commands/status.js')).gate(o, io),
    verdict: async (o) => (await recording()).verdict(o, io),
    targetPublish: async (o) => (await recording()).targetPublish(o, io),
    targetVerify: async (o) => (await recording()).targetVerify(o, io),
    targetCheck: async (o) => (await import('./commands/target-check.js')).targetCheck(o, io),
    evidenceAdd: async (o) => (await recording()).evidenceAdd(o, io),
    evidenceRepin: async (o) => (await recording()).evidenceRepin(o, io),
    evidenceRun: async (o) => (await recording()).evidenceRun(o, io),
    evidenceAnalyze: async (o) => (await recording()).evidenceAnalyze(o, io),
    bridgeAlertmanager: async (o) => (await import('./commands/bridge.js')).bridgeAlertmanager(o, io),
    evidenceCheck: async (o) => (await import('./commands/evidence-check.js')).evidenceCheck(o, io),
    handoffGenerate: async (o) => (await import('./commands/handoff.js')).handoffGenerate(o, io),
    handoffVerify: async (o) => (await import('./commands/handoff.js')).handoffVerify(o, io),
    blockerRaise: async (o) => (await recording()).blockerRaise(o, io),
    blockerResolve: async (o) => (await recording()).blockerResolve(o, io),
    reviewRecord: async (o) => (await recording()).reviewRecord(o, io),
    noticeGive: async (o) => (await recording()).noticeGive(o, io),
    phase: async (o) => (await recording()).phase(o, io),
    incidentDeclare: async (o) => (await recording()).incidentDeclare(o, io),
    incidentNotify: async (o) => (await recording()).incidentNotify(o, io),
    incidentUpdate: async (o) => (await recording()).incidentUpdate(o, io),
    incidentSummary: async (o) => (await recording()).incidentSummary(o, io),
    incidentStep: async (o) => (await recording()).incidentStep(o, io),
    incidentNotice: async (o) => (await import('./commands/incident.js')).incidentNotice(o, io),
    log: async (o) => (await import('./commands/log.js')).log(o, io),
    // verify checks every line, checkpoint or not: its line checks and the policy load while the command does and the files are read.
    verify: async (o) => (await Promise.all([import('./commands/verify.js'), preloadLineChecks()]))[0].verify(o, io),
    sync: async (o) => (await import('./commands/sync.js')).sync(o, io),
    exportBundle: async (o) => (await import('./commands/sync.js')).exportBundle(o, io),
    importBundle: async (o) => (await import('./commands/sync.js')).importBundle(o, io),
    render: async (o) => (await import('./commands/render.js')).render(o, io),
    audit: async (o) => (await import('./commands/audit.js')).auditCommand(o, io),
    serve: async (o) => (await import('./commands/serve.js')).serve(o, io),
    push: async (o) => (await import('./commands/transfer.js')).push(o, io),
    pull: async (o) => (await import('./commands/transfer.js')).pull(o, io),
    login: async (o) => (await import('./commands/login.js')).login(o, io),
    notifyDeadLetters: async (o) => (await import('./commands/notify.js')).notifyDeadLetters(o, io),
    notifyRedeliver: async (o) => (await import('./commands/notify.js')).notifyRedeliver(o, io),
    completion: async (o) => (await import('./commands/completion.js')).completion(o, io),
    attestCreate: async (o) => (await import('./commands/attest.js')).attestCreate(o, io),
    attestSign: async (o) => (await import('./commands/attest.js')).attestSign(o, io),
    attestVerify: async (o) => (await import('./commands/attest.js')).attestVerify(o, io),
  };
}

/**
 * Everything printed goes through one escape: text from the ledger never drives the terminal. The one
 * way around it, escapedStdout, takes text built from data escaped beforehand (escapeStrings, showOnOneLine).
 */
function escapingIo(io: CliIo): CliIo {
  return {
    ...io,
    stdout: (text) => io.stdout(escapeForTerminal(text)),
    stderr: (text) => io.stderr(escapeForTerminal(text)),
    escapedStdout: io.escapedStdout ?? io.stdout,
  };
}

/** Run the CLI; resolves to the exit code. Never calls process.exit (only bin/cutover.js does). */
export async function main(argv: readonly string[], given: CliIo, handlers: Handlers = defaultHandlers(escapingIo(given))): Promise<number> {
  const io = escapingIo(given);
  let code: number = EXIT.ok;
  const cli = buildCli(
    handlers,
    io,
    (c) => {
      code = c;
    },
    commandToRun(argv),
  );
  cli.version(packageVersion(), '-V, --version', 'print the version of cutover');
  try {
    checkSignatureSetting(io.env);
    await cli.parseAsync([...argv], { from: 'user' });
    flushDriftWarning(io);
    return code;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; every other parse failure is bad usage.
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.help' || error.code === 'commander.version' ? EXIT.ok : EXIT.input;
    }
    const reported = asInputError(error) ?? error;
    const drift = reported instanceof DefinitionDriftError;
    if (!drift) flushDriftWarning(io);
    io.stderr(formatError(reported));
    if (drift) flushDriftWarning(io, true);
    return reported instanceof CutoverError ? EXIT_BY_KIND[reported.kind] : EXIT.internal;
  }
}
