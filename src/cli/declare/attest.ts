/** The CLI's attestations of a decision: in-toto Statements in DSSE envelopes that deploy tooling can check. */
import type { CliContext } from './context.js';

export function declareAttest({ cli, handlers, where, run, opt, wanted }: CliContext): void {
  if (!wanted('attest')) return;
  const attest = cli.command('attest').description('in-toto attestations of a GO (a Statement v1 in a DSSE envelope), for deploy pipelines to check');
  const signing = (o: Record<string, unknown>) => ({ ...where(), as: o.as as string, ...opt('key', o.key as string | undefined), ...opt('bundle', o.bundle as string | undefined) });

  attest
    .command('create')
    .description('attest a decision that is GO at the head: its subjects are the target commit, its tag object and the repin commits; exit 1 when not GO')
    .argument('<decision>', 'a decision id from cutover.yaml, e.g. runtime-cutover')
    .requiredOption('--as <role>', 'the role attesting (an approver, or automation in CI); its key signs the envelope')
    .option('--key <file>', 'the signing key (else $CUTOVER_KEY_<ROLE>, else the default key location)')
    .option('--out <file>', 'write the envelope to this file (default: stdout)')
    .option('--bundle <file>', 'also write it as a Sigstore bundle (v0.3, public-key verification material)')
    .action((decision: string, o) => run(handlers.attestCreate({ ...signing(o), decision, ...opt('out', o.out as string | undefined) })));

  attest
    .command('sign')
    .description("add the signature of another role (every party's approver can co-sign) to an envelope, in place")
    .argument('<file>', 'an envelope from cutover attest create')
    .requiredOption('--as <role>', 'the role co-signing; its key signs')
    .option('--key <file>', 'the signing key (else $CUTOVER_KEY_<ROLE>, else the default key location)')
    .option('--bundle <file>', "also write this role's signature as a Sigstore bundle")
    .action((file: string, o) => run(handlers.attestSign({ ...signing(o), file })));

  attest
    .command('verify')
    .description('check an envelope (or a Sigstore bundle) against the ledger: signatures by the roles\' keys at the named head, the head in the ledger, GO then and now, the subjects; exit 0 or 1 with the reason')
    .argument('<file>', 'an envelope from cutover attest create, or a Sigstore bundle')
    .option('--require-parties', 'require a verified signature by a role of every party', false)
    .option('--commit <sha>', "exit 1 unless this full commit id (or tag object id) is a subject: a deploy job's own commit")
    .option('--json', 'print the result as JSON', false)
    .action((file: string, o) => run(handlers.attestVerify({ ...where(), file, requireParties: o.requireParties as boolean, json: o.json as boolean, ...opt('commit', o.commit as string | undefined) })));
}
