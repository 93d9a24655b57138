/** The CLI's reading where a program stands: status and the one-line gate check. */
import { formatOption, type CliContext } from './context.js';

export function declareReading({ cli, handlers, where, run, opt, wanted }: CliContext): void {
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
}
