/** Bridges that record what other systems observe: Alertmanager alerts → incidents. */
import type { CliContext } from './context.js';

export function declareBridge({ cli, handlers, where, run, opt, wanted }: CliContext): void {
  if (!wanted('bridge')) return;
  const bridge = cli.command('bridge').description('record what monitoring observes, signed by an automation role (docs/production-evidence.md)');
  bridge
    .command('alertmanager')
    .description("receive Alertmanager webhooks (version 4) and declare incidents for the triggers whose alerts: match, identified at the alert's startsAt; a resolved alert adds a note, never a close")
    .requiredOption('--listen <host:port>', 'where to receive webhooks, e.g. 127.0.0.1:9095 (port 0: any free port; the URL is the first line printed)')
    .requiredOption('--as <role>', 'the automation role recording the incidents; its key signs them')
    .option('--key <file>', 'the signing key (else $CUTOVER_KEY_<ROLE>, else the default key location)')
    .action((o) => run(handlers.bridgeAlertmanager({ ...where(), listen: o.listen, as: o.as, ...opt('key', o.key) })));
}
