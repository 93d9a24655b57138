/** The CLI's setting a program up: init, keys, and the definition anchored in the ledger. */
import { Option } from 'commander';
import { collect, type CliContext } from './context.js';

export function declareSetup({ cli, handlers, dir, where, run, recording, rec, opt, wanted }: CliContext): void {
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
    recording(
      program
        .command('correct-clock')
        .description('the way out of a ledger frozen by a line dated in the future: time goes on from now (decision-log owner)'),
    )
      .requiredOption('--reason <text>', 'why the lines dated in the future are misdated, shown in records')
      .action((o) => run(handlers.programCorrectClock({ ...rec(o), reason: o.reason })));
  }
}
