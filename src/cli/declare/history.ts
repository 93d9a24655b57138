/** The CLI's commands over the whole history: log, verify, and copies kept the same (sync, export, import-bundle). */
import { collect, positiveInt, type CliContext } from './context.js';

export function declareHistory({ cli, handlers, dir, where, run, opt, wanted }: CliContext): void {
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
      .option('--threads <n>', 'threads for signature checks, this one included (default: all cores)', positiveInt('--threads'))
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
}
