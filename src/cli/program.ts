/**
 * Declares every command and option, and turns argv into the typed options a command receives.
 * No domain logic here: each action hands its options to a handler (lazily imported in `main.ts`;
 * mocked in the argv table tests).
 */
import { Argument, Command, InvalidArgumentError, Option } from 'commander';
import { describeCommands, ID_KINDS } from './completion.js';
import type { CompletionOptions } from './commands/completion.js';
import type * as O from './options.js';
import type { AuditOptions } from './commands/audit.js';
import type * as S from './server-options.js';

export interface Handlers {
  init(o: O.InitOptions): Promise<number>;
  keysGenerate(o: O.KeysGenerateOptions): Promise<number>;
  keysShow(o: O.KeysShowOptions): Promise<number>;
  programDefine(o: O.RecordingOptions): Promise<number>;
  programAmend(o: O.AmendOptions): Promise<number>;
  status(o: O.StatusOptions): Promise<number>;
  gate(o: O.GateOptions): Promise<number>;
  verdict(o: O.VerdictOptions): Promise<number>;
  targetPublish(o: O.TargetPublishOptions): Promise<number>;
  targetVerify(o: O.TargetVerifyOptions): Promise<number>;
  targetCheck(o: O.TargetCheckOptions): Promise<number>;
  evidenceAdd(o: O.EvidenceAddOptions): Promise<number>;
  evidenceRepin(o: O.EvidenceRepinOptions): Promise<number>;
  evidenceRun(o: O.EvidenceRunOptions): Promise<number>;
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
  completion(o: CompletionOptions): Promise<number>;
}

export interface Output {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const collect = (value: string, previous: string[]) => [...previous, value];
const formatOption = () => new Option('--format <format>', 'github: also print ::error annotations for GitHub Actions').choices(['text', 'github']).default('text');
const positiveInt = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} expects a whole number of 1 or more.`);
  return n;
};

/** The top-level commands, in the order help lists them. */
export const COMMAND_NAMES = [
  'init', 'keys', 'program', 'status', 'gate', 'verdict', 'target', 'evidence', 'handoff', 'blocker', 'phase', 'review', 'notice',
  'incident', 'log', 'verify', 'sync', 'export', 'import-bundle', 'render', 'audit', 'serve', 'push', 'pull', 'completion',
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

  if (wanted('init')) {
    cli
      .command('init')
      .description('write a standard bilateral cutover.yaml (producer + consumer, five roles, phases 7–10) to edit')
      .option('--program-id <id>', 'program id (default: <producer>-<contract>)')
      .option('--producer <name>', 'producer party name', 'Producer')
      .option('--consumer <name>', 'a consumer party name (repeat it for several consumers; default: Consumer)', collect, [])
      .option('--contract <version>', 'the contract version the cutover moves to', 'service.v2')
      .option('--force', 'overwrite an existing cutover.yaml', false)
      .action((o) =>
        run(
          handlers.init({
            dir: dir(),
            producer: o.producer,
            consumers: o.consumer.length === 0 ? ['Consumer'] : o.consumer,
            contract: o.contract,
            force: o.force,
            ...opt('programId', o.programId),
          }),
        ),
      );
  }

  if (wanted('keys')) {
    const keys = cli.command('keys').description('signing keys');
    keys
      .command('generate')
      .description('create an Ed25519 key for a role (outside the repo, mode 0600) and print its public key; --all: one for every role with none, written into cutover.yaml')
      .option('--role <role>', 'the role id the key will sign for')
      .addOption(new Option('--all', "a key for every role with no key in cutover.yaml, at each role's default key location; the public keys are written into cutover.yaml").conflicts(['role', 'out']))
      .option('--out <file>', 'where to write the private key (default: the default key location for the role)')
      .action((o) => run(handlers.keysGenerate({ dir: dir(), ...opt('role', o.role), ...(o.all === true ? { all: true } : {}), ...opt('out', o.out) })));
    keys
      .command('show')
      .description("print the public key of a role's existing key (found as when signing: --key, $CUTOVER_KEY_<ROLE>, the default key location)")
      .requiredOption('--role <role>', 'the role id')
      .option('--key <file>', 'the private key file')
      .action((o) => run(handlers.keysShow({ dir: dir(), role: o.role, ...opt('key', o.key) })));
  }

  if (wanted('program')) {
    const program = cli.command('program').description('the program definition anchored in the ledger');
    recording(program.command('define').description('record cutover.yaml as the program definition (the first event)')).action((o) =>
      run(handlers.programDefine(rec(o))),
    );
    recording(program.command('amend').description('record the edited cutover.yaml as the definition in force'))
      .requiredOption('--reason <text>', 'why the definition changes')
      .action((o) => run(handlers.programAmend({ ...rec(o), reason: o.reason })));
  }

  if (wanted('status')) {
    cli
      .command('status')
      .description('decisions, phases, blockers, target and window, derived from the ledger')
      .option('--json', 'print the versioned status contract (schemas/status.schema.json)', false)
      .option('--at <time>', 'evaluate at this time instead of now')
      .action((o) => run(handlers.status({ ...where(), json: o.json, ...opt('at', o.at) })));
  }

  if (wanted('gate')) {
    cli
      .command('gate')
      .description('exit 0 when <decision> is GO, 1 with its blockers when NO-GO (the one-line CI check)')
      .argument('<decision>', 'decision id, e.g. runtime-cutover')
      .option('--json', 'print the decision and its blockers as JSON', false)
      .addOption(formatOption())
      .option('--at <time>', 'evaluate at this time instead of now')
      .action((decision, o) => run(handlers.gate({ ...where(), decision, json: o.json, format: o.format, ...opt('at', o.at) })));
  }

  if (wanted('verdict')) {
    recording(
      cli
        .command('verdict')
        .description("cast a party's verdict on a decision, signed by one of its approver roles")
        .argument('<decision>', 'decision id')
        .argument('<verdict>', 'GO or NO-GO'),
    )
      .option('--note <text>', 'a note shown with the verdict in records')
      .action((decision, verdict, o) => run(handlers.verdict({ ...rec(o), decision, verdict, ...opt('note', o.note) })));
  }

  if (wanted('target')) {
    const target = cli.command('target').description('runtime targets: release tag + commit SHA + contract versions, checked in git');
    recording(target.command('publish').description('publish the immutable runtime target (or, with --baseline, the one in production)'))
      .requiredOption('--tag <tag>', 'release tag')
      .requiredOption('--sha <sha>', 'full 40-hex commit SHA the tag points at')
      .option('--contract <name=version>', 'a contract version, e.g. service=service.v3 (repeatable)', collect, [])
      .option('--repo <path>', "the producer's git repository: the pair is verified there first (default: the producer's checkout: in cutover.yaml; without any, the target is published unverified)")
      .option('--baseline', 'record the target currently in production instead of the candidate', false)
      .action((o) =>
        run(handlers.targetPublish({ ...rec(o), tag: o.tag, sha: o.sha, contract: o.contract, baseline: o.baseline, ...opt('repo', o.repo) })),
      );
    recording(target.command('verify').description('check the published target again in the producer\'s repository (a moved or re-created tag is caught)'))
      .option('--repo <path>', "the producer's git repository, a checkout or a bare one (default: the producer's checkout: in cutover.yaml)")
      .action((o) => run(handlers.targetVerify({ ...rec(o), ...opt('repo', o.repo) })));
    target
      .command('check')
      .description('is this tag + SHA pair real? no program needed: exit 0 yes, 1 no (with what the tag really points at)')
      .requiredOption('--repo <path>', "the producer's git repository")
      .requiredOption('--tag <tag>', 'release tag')
      .requiredOption('--sha <sha>', 'the commit SHA the tag should point at')
      .option('--json', 'print the facts as JSON', false)
      .action((o) => run(handlers.targetCheck({ repo: o.repo, tag: o.tag, sha: o.sha, json: o.json })));
  }

  if (wanted('evidence')) {
    const evidence = cli.command('evidence').description('evidence the tool checks for itself, tied to a party and the current target');
    recording(evidence.command('add').description('record a handoff payload, a rollback drill or execution, or an artifact'))
      .addOption(
        new Option('--kind <kind>', 'evidence kind').choices(['handoff-payload', 'rollback-drill', 'rollback-execution', 'artifact']).makeOptionMandatory(),
      )
      .requiredOption('--party <party>', 'the party the evidence is from')
      .option('--file <path>', 'handoff-payload, artifact: the file (inside the program directory); its sha256 is recorded')
      .addOption(new Option('--verdict <verdict>', 'rollback-drill: READY or FAIL; rollback-execution: PASS or FAIL').choices(['READY', 'PASS', 'FAIL']))
      .option('--suite <id>', "rollback-*: the party's suite that proves the restored baseline (default: its first)")
      .option('--cwd <dir>', "rollback-*: where to run the suite: a checkout at the rollback target (default: the party's checkout: in cutover.yaml, else the current directory); with --at-rollback-target, the repository to check it out from")
      .option('--at-rollback-target', "rollback-*: check the rollback target out in a temporary git worktree of the party's checkout (a producer: its commit; a consumer: the newest commit pinning it), run the suite there, remove it", false)
      .option('--summary <text>', 'what the evidence shows (default: derived from it)')
      .action((o) =>
        run(
          handlers.evidenceAdd({
            ...rec(o),
            kind: o.kind,
            party: o.party,
            ...opt('file', o.file),
            ...opt('verdict', o.verdict),
            ...opt('suite', o.suite),
            ...opt('cwd', o.cwd),
            ...(o.atRollbackTarget === true ? { atRollbackTarget: true } : {}),
            ...opt('summary', o.summary),
          }),
        ),
      );
    recording(evidence.command('repin').description("record a consumer's atomic repin: one commit changing every pin-set file to the current target"))
      .requiredOption('--party <party>', 'the consumer party')
      .option('--repo <path>', "the consumer's git repository (default: its checkout: in cutover.yaml)")
      .option('--commit <rev>', 'the repin commit', 'HEAD')
      .option('--summary <text>', 'what the evidence shows (default: derived from it)')
      .option('--producer-repo <path>', "the producer's git repository: pins with same_as_producer are compared with its files at the target commit")
      .action((o) => run(handlers.evidenceRepin({ ...rec(o), party: o.party, ...opt('repo', o.repo), commit: o.commit, ...opt('summary', o.summary), ...opt('producerRepo', o.producerRepo) })));
    recording(evidence.command('run').description("run one of a party's verification suites and record the run, passed or failed"))
      .requiredOption('--party <party>', 'the party whose suite runs')
      .option('--suite <id>', 'suite id (default: the party\'s first suite)')
      .option('--cwd <dir>', "where to run it: a checkout at the target (a producer) or at the repin (a consumer) (default: the party's checkout: in cutover.yaml, else the current directory); with --at-target, the repository to check it out from")
      .option('--at-target', "check out where the run counts in a temporary git worktree of the party's checkout (a producer: the target's commit; a consumer: HEAD if its pin set is the repin's, else the repin commit), run the suite there, remove it", false)
      .option('--summary <text>', 'what the evidence shows (default: derived from it)')
      .action((o) =>
        run(handlers.evidenceRun({ ...rec(o), party: o.party, ...opt('suite', o.suite), ...opt('cwd', o.cwd), ...opt('summary', o.summary), ...(o.atTarget === true ? { atTarget: true } : {}) })),
      );
    evidence
      .command('check')
      .description('re-hash every recorded file (artifacts, handoff payloads): exit 1 if any changed or vanished')
      .option('--json', 'print the result as JSON', false)
      .action((o) => run(handlers.evidenceCheck({ dir: dir(), json: o.json })));
  }

  if (wanted('handoff')) {
    const handoff = cli.command('handoff').description("the producer's release handoff payload (schemas/handoff-payload.schema.json)");
    handoff
      .command('generate')
      .description('write the payload for the current target from the ledger and the program')
      .option('--out <file>', 'write it to this file (default: stdout)')
      .option('--at <time>', 'generation time (default: now)')
      .action((o) => run(handlers.handoffGenerate({ dir: dir(), ...opt('out', o.out), ...opt('at', o.at) })));
    handoff
      .command('verify')
      .description('check a payload against the schema and the current target: exit 0 matches, 1 mismatches, 2 not a payload')
      .requiredOption('--file <path>', 'the payload file')
      .option('--json', 'print the result as JSON', false)
      .action((o) => run(handlers.handoffVerify({ dir: dir(), file: o.file, json: o.json })));
  }

  if (wanted('blocker')) {
    const blocker = cli.command('blocker').description('manual blockers, raised and resolved by hand');
    recording(blocker.command('raise').description('raise a manual blocker with an owner and a target date'))
      .requiredOption('--text <text>', 'what blocks')
      .requiredOption('--owner <role>', 'the role that owns clearing it')
      .requiredOption('--due <date>', 'target date, YYYY-MM-DD')
      .option('--phase <phase>', 'the phase it blocks (default: every phase gated on manual blockers)')
      .option('--id <id>', 'blocker id (default: B-<n>)')
      .action((o) => run(handlers.blockerRaise({ ...rec(o), text: o.text, owner: o.owner, due: o.due, ...opt('phase', o.phase), ...opt('id', o.id) })));
    recording(blocker.command('resolve').description('resolve a manual blocker').argument('<id>', 'blocker id'))
      .requiredOption('--note <text>', 'how it was resolved')
      .action((id, o) => run(handlers.blockerResolve({ ...rec(o), id, note: o.note })));
  }

  if (wanted('phase')) {
    const phase = cli.command('phase').description('move a phase: start (entry gates must hold), close, complete');
    for (const step of ['start', 'close', 'complete'] as const) {
      const cmd = recording(phase.command(step).description(`${step} a phase`).argument('<phase>', 'phase id, e.g. 8'));
      if (step !== 'start') cmd.requiredOption('--reason <text>', `why the phase is ${step === 'close' ? 'closed' : 'complete'}, shown in records`);
      cmd.action((id, o) => run(handlers.phase({ ...rec(o), step, phase: id, ...opt('reason', o.reason) })));
    }
  }

  if (wanted('review')) {
    const review = cli.command('review').description('scheduled reviews of an active phase (review_every in cutover.yaml)');
    recording(review.command('record').description('record a review of an active phase: the next one is due review_every after it').argument('<phase>', 'phase id, e.g. 9'))
      .requiredOption('--note <text>', 'what the review found')
      .action((id, o) => run(handlers.reviewRecord({ ...rec(o), phase: id, note: o.note })));
  }
  if (wanted('notice')) {
    const notice = cli.command('notice').description('notice periods (gates of kind notice in cutover.yaml)');
    recording(notice.command('give').description('give the notice a notice gate asks for: the phase it guards starts no sooner than its period after').argument('<gate>', 'the notice gate id'))
      .requiredOption('--text <text>', 'what the notice says')
      .action((gate, o) => run(handlers.noticeGive({ ...rec(o), gate, text: o.text })));
  }

  if (wanted('incident')) {
    const incident = cli
      .command('incident')
      .description('the incident and rollback protocol of cutover.yaml (incidents:): each step signed by the incident commander or rollback owner of its party')
      .addHelpText(
        'after',
        '\nThe steps, in order: declare → notify → recommend-rollback → rollback-executed → confirm-repin → summary → approve → close;\n' +
          'update at any time. Each step speaks for --party (default: the recording role\'s party). Deadlines (status, notice):\n' +
          'a step recorded at the due time exactly is on time; one second later the deadline is overdue.\n',
      );
    const severity = (help: string) => new Option('--severity <sev>', help).choices(['SEV-1', 'SEV-2', 'SEV-3']);
    const party = '--party <party>';
    const partyHelp = "the party this step speaks for (default: the recording role's party)";
    recording(incident.command('declare').description('1. declare: a trigger of the policy, at or above its minimum severity'))
      .requiredOption('--trigger <id>', 'a trigger id from incidents.triggers, e.g. envelope-mismatch')
      .addOption(severity('severity, at or above the trigger\'s minimum').makeOptionMandatory())
      .requiredOption('--summary <text>', 'the impact summary')
      .option('--identified-at <time>', 'when the trigger was identified, ISO 8601 with a zone (default: --at); the deadlines run from here')
      .option(party, partyHelp)
      .option('--id <id>', 'incident id (default: INC-<seq>)')
      .option('--contract-mode <mode>', 'the affected contract mode (default: the contract versions of the target in play)')
      .action((o) =>
        run(
          handlers.incidentDeclare({
            ...rec(o),
            trigger: o.trigger,
            severity: o.severity,
            summary: o.summary,
            ...opt('identifiedAt', o.identifiedAt),
            ...opt('party', o.party),
            ...opt('id', o.id),
            ...opt('contractMode', o.contractMode),
          }),
        ),
      );
    recording(incident.command('notify').description('2. the initial notice (deadline: initial_notice after the trigger is identified)').argument('<id>', 'incident id'))
      .option('--action <text>', 'an immediate action, shown in the notice (repeatable)', collect, [])
      .option('--next-update <when>', 'when the next update is due: an ISO time with a zone, or a duration after --at such as 30m (default: incidents.update_interval)')
      .option('--note <text>', 'a note recorded with the notice')
      .option(party, partyHelp)
      .action((id, o) => run(handlers.incidentNotify({ ...rec(o), id, actions: o.action, ...opt('nextUpdate', o.nextUpdate), ...opt('note', o.note), ...opt('party', o.party) })));
    const step = (name: O.IncidentStepOptions['step'], description: string, note = true) => {
      const cmd = recording(incident.command(name).description(description).argument('<id>', 'incident id')).option(party, partyHelp);
      if (note) cmd.option('--note <text>', 'a note recorded with the step');
      return cmd.action((id, o) => run(handlers.incidentStep({ ...rec(o), step: name, id, ...opt('party', o.party), ...opt('note', o.note) })));
    };
    step('recommend-rollback', '3. the producer recommends rolling back to the rollback target (deadline: rollback_recommendation)');
    step('rollback-executed', '4. the producer records the rollback done: the rollback target is the baseline again, the rollback phase moves back');
    step('confirm-repin', '5. each consumer confirms its repin against the rollback target (deadline: repin_confirmation after the rollback)', false);
    recording(incident.command('update').description('any time: a note, immediate actions, a new severity, the next update ETA').argument('<id>', 'incident id'))
      .requiredOption('--note <text>', 'what changed')
      .option('--action <text>', 'an immediate action, shown in the notice (repeatable)', collect, [])
      .addOption(severity('a new severity, at or above the trigger\'s minimum'))
      .option('--next-update <when>', 'when the next update is due: an ISO time with a zone, or a duration after --at such as 30m')
      .option(party, partyHelp)
      .action((id, o) =>
        run(handlers.incidentUpdate({ ...rec(o), id, note: o.note, actions: o.action, ...opt('severity', o.severity), ...opt('nextUpdate', o.nextUpdate), ...opt('party', o.party) })),
      );
    recording(incident.command('summary').description('6. the joint summary: the final decision record and its residual-risk statement').argument('<id>', 'incident id'))
      .requiredOption('--summary <text>', 'what happened, what was decided')
      .requiredOption('--residual-risk <text>', 'the residual-risk statement')
      .option(party, partyHelp)
      .action((id, o) => run(handlers.incidentSummary({ ...rec(o), id, summary: o.summary, residualRisk: o.residualRisk, ...opt('party', o.party) })));
    step('approve', "7. each party's rollback owner approves the summary (deadline: joint_summary)");
    step('close', '8. close: refused, naming what is missing, until the reversal evidence, the summary and every approval are recorded');
    incident
      .command('notice')
      .description('the incident notice, as markdown or --json, with its deadlines')
      .argument('<id>', 'incident id')
      .option('--json', 'print the versioned notice (schemas/incident-notice.schema.json)', false)
      .option('--at <time>', 'evaluate the deadlines at this time instead of now')
      .action((id, o) => run(handlers.incidentNotice({ dir: dir(), id, json: o.json, ...opt('at', o.at) })));
  }

  if (wanted('log')) {
    cli
      .command('log')
      .description('the events of the ledger, in order')
      .option('--json', 'one JSON event per line, as stored', false)
      .option('--from <seq>', 'start at this seq', positiveInt('--from'))
      .action((o) => run(handlers.log({ ...where(), json: o.json, ...opt('from', o.from) })));
  }

  if (wanted('verify')) {
    cli
      .command('verify')
      .description('check the whole chain and every signature; names the first bad seq and why (exit 3)')
      .option('--json', 'print the result as JSON', false)
      .option('--threads <n>', 'threads for signature checks (default: all cores)', positiveInt('--threads'))
      .option('--against <copy>', 'compare with another copy (program folder, ledger file or bundle): exit 0 same or ahead, 1 behind, 3 forked')
      .option('--recheck', 'also re-check what evidence events claim (tags, repin commits, file hashes) against --repo folders: exit 1 when a claim no longer holds', false)
      .option('--repo <party=folder>', "a party's repository, for --recheck (repeatable)", collect, [])
      .action((o) => run(handlers.verify({ ...where(), json: o.json, ...opt('threads', o.threads), ...opt('against', o.against), recheck: o.recheck, repos: o.repo })));
  }

  if (wanted('sync')) {
    cli
      .command('sync')
      .description("fast-forward this ledger from another copy (the other party's checkout or a bundle); a fork is refused (exit 3), nothing changed")
      .requiredOption('--from <copy>', 'a program folder (with .cutover/ledger.jsonl), a ledger file, or a bundle from cutover export')
      .option('--render', "then write every record of --party again, as render --all does (in CI: sync, render, commit)", false)
      .option('--party <party>', 'with --render: the party whose records to write (this repository is its own)')
      .option('--root <dir>', "with --render: the party's repository root (default: the git top level of the program folder)")
      .action((o) => run(handlers.sync({ dir: dir(), from: o.from, ...(o.render === true ? { render: true } : {}), ...opt('party', o.party), ...opt('root', o.root) })));
  }

  if (wanted('export')) {
    cli
      .command('export')
      .description('write this ledger as one bundle file, to travel (import it with cutover import-bundle)')
      .requiredOption('--out <file>', 'the bundle file to write')
      .action((o) => run(handlers.exportBundle({ dir: dir(), out: o.out })));
  }

  if (wanted('import-bundle')) {
    cli
      .command('import-bundle')
      .description('verify a bundle and fast-forward this ledger from it (the same rules as sync)')
      .argument('<file>', 'a bundle from cutover export')
      .action((file) => run(handlers.importBundle({ dir: dir(), file })));
  }

  if (wanted('render')) {
    cli
      .command('render')
      .description("render records from the ledger: one (--record) or all of a party's (--all --party); --check compares with the committed files")
      .option('--record <record>', 'one record id from cutover.yaml, e.g. producer-decision-record')
      .option('--party <party>', 'the party whose records to render or check (all of them, when --record is not given)')
      .option('--all', "write every record of --party to its path in the party's repository", false)
      .option('--out <file>', 'with --record: write it to this file instead of stdout')
      .option('--check [file]', "exit 1 (printing a unified diff) when a committed record is not what the ledger renders now; with a FILE, compare --record with it")
      .option('--root <dir>', "the party's repository root, where record paths point (default: the git top level of the program folder)")
      .addOption(formatOption())
      .option('--at <time>', 'evaluate at this time instead of now')
      .action((o) =>
        run(
          handlers.render({
            dir: dir(),
            all: o.all,
            format: o.format,
            ...opt('record', o.record),
            ...opt('party', o.party),
            ...opt('out', o.out),
            ...opt('check', o.check),
            ...opt('root', o.root),
            ...opt('at', o.at),
          }),
        ),
      );
  }

  if (wanted('audit')) {
    cli
      .command('audit')
      .description('check hand-kept records (markdown, JSON, YAML) of git repositories against git and against one another; no cutover.yaml needed. Exit 0 no findings, 1 findings, 2 bad input')
      .option('--repo <dir>', 'a git repository to audit, a checkout or bare; NAME=DIR names it (repeatable)', collect, [])
      .option('--producer <name>', "the repository (by folder name) whose tags decide tag/SHA pairs")
      .option('--rev <rev>', 'the revision audited in each repository (default HEAD); NAME=REV for one repository (repeatable)', collect, [])
      .option('--since <rev>', 'audit every commit after REV up to --rev; say when each finding first appeared')
      .option('--mirror <A=B>', 'two records that mirror one another, each PATH or REPO:PATH (repeatable)', collect, [])
      .option('--json', 'print the report as JSON (schemas/audit-report.schema.json)', false)
      .addOption(formatOption())
      .option('--sarif <file>', 'also write the findings as SARIF 2.1.0 (GitHub code scanning)')
      .option('--suggest', 'print a starting cutover.yaml from what the audit saw (nothing is written without --out)', false)
      .option('--out <file>', 'with --suggest: write the cutover.yaml here')
      .action((o) =>
        run(
          handlers.audit({
            repos: o.repo,
            rev: o.rev,
            mirrors: o.mirror,
            json: o.json,
            format: o.format,
            suggest: o.suggest,
            ...opt('producer', o.producer),
            ...opt('since', o.since),
            ...opt('sarif', o.sarif),
            ...opt('out', o.out),
          }),
        ),
      );
  }


  if (wanted('serve')) {
    cli
      .command('serve')
      .description('serve many programs over HTTP: from PostgreSQL (--database or $DATABASE_URL) or a folder of file ledgers (--data, the default)')
      .option('--database <url>', 'PostgreSQL connection string (default: $DATABASE_URL)')
      .option('--data <dir>', 'a folder of file ledgers, one <program>.jsonl each (default: ./cutover-data when no database is given)')
      .option('--port <n>', 'the port to listen on (0: any free port)', nonNegativeInt('--port'), 8080)
      .option('--host <address>', 'the address to bind', '127.0.0.1')
      .option('--token <program=token>', 'reading <program> needs this bearer token (repeatable)', collect, [])
      .option('--body-limit <bytes>', 'the largest request body accepted', positiveInt('--body-limit'), 1024 * 1024)
      .addOption(new Option('--log-level <level>', "Fastify's log level (on stderr)").choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'))
      .action((o) =>
        run(handlers.serve({ port: o.port, host: o.host, token: o.token, bodyLimit: o.bodyLimit, logLevel: o.logLevel, ...opt('database', o.database), ...opt('data', o.data) })),
      );
  }

  if (wanted('push')) {
    cli
      .command('push')
      .description("put the folder's program on the server (--server): verified on both sides, fast-forward only, byte-identical after")
      .action(() => run(handlers.push(where())));
  }
  if (wanted('pull')) {
    cli
      .command('pull')
      .description('bring a program from the server (--server, --program) into the folder: verified, fast-forward only, byte-identical after')
      .action(() => run(handlers.pull(where())));
  }

  if (wanted('completion')) {
    cli
      .command('completion')
      .description('print a bash or zsh completion script, generated from these commands: source <(cutover completion bash)')
      .addArgument(new Argument('[shell]', 'bash or zsh').choices(['bash', 'zsh']))
      .addOption(new Option('--ids <kind>', 'print the ids of that kind in the folder\'s cutover.yaml, one a line (what the script completes with)').choices(Object.values(ID_KINDS)))
      .action((shell, o) => run(handlers.completion({ dir: dir(), commands: describeCommands(cli), ...opt('shell', shell), ...opt('ids', o.ids) })));
  }

  return cli;
}

const nonNegativeInt = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`${flag} expects a whole number from 0 to 65535.`);
  return n;
};
