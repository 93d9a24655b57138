/** The CLI's commands that record: verdicts, targets, evidence, handoff, blockers, phases, reviews, notices. */
import { Option } from 'commander';
import { collect, positiveInt, type CliContext } from './context.js';
import { InvalidArgumentError } from 'commander';

const nonNegative = (flag: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} expects a whole number of 0 or more.`);
  return n;
};

export function declareRecording({ cli, handlers, dir, where, run, recording, rec, opt, wanted }: CliContext): void {
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
    recording(evidence.command('analyze').description('sample a Prometheus query on a schedule, judge every series of every sample, and record the analysis (all samples in a content-addressed file)'))
      .requiredOption('--party <party>', 'the party the analysis speaks for')
      .requiredOption('--prometheus <url>', 'the Prometheus base URL, e.g. http://127.0.0.1:9090')
      .requiredOption('--query <promql>', 'the PromQL query; every series it returns must meet --success')
      .requiredOption('--success <condition>', "the success condition of one value, e.g. 'result < 0.01' (docs/production-evidence.md)")
      .option('--interval <duration>', 'time between samples, e.g. 1m or 30s', '1m')
      .requiredOption('--count <n>', 'how many samples to take (the first at once)', positiveInt('--count'))
      .option('--failure-limit <n>', 'how many samples may break the condition before the analysis fails', nonNegative('--failure-limit'), 0)
      .option('--summary <text>', 'what the evidence shows (default: derived from it)')
      .action((o) =>
        run(
          handlers.evidenceAnalyze({
            ...rec(o),
            party: o.party,
            prometheus: o.prometheus,
            query: o.query,
            success: o.success,
            interval: o.interval,
            count: o.count,
            failureLimit: o.failureLimit,
            ...opt('summary', o.summary),
          }),
        ),
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
}
