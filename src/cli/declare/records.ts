/** The CLI's records: render, and the audit of hand-kept ones. */
import { collect, formatOption, type CliContext } from './context.js';

export function declareRecords({ cli, handlers, dir, where, run, opt, wanted }: CliContext): void {
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
}
