/** The CLI's side of a server's notifications: its dead letters, listed and redelivered by hand. */
import type { CliContext } from './context.js';

export function declareNotify({ cli, handlers, where, run, wanted }: CliContext): void {
  if (!wanted('notify')) return;
  const notify = cli.command('notify').description("a server's notifications (--server): the dead letters a receiver refused after every retry, and redelivering one");
  notify
    .command('dead-letters')
    .description('list the dead letters this caller may read: id, sink, program, type, attempts, last error, when given up')
    .option('--json', "the server's answer as JSON ({deadLetters: [...]}, as GET /v1/notify/dead-letters)", false)
    .action((o) => run(handlers.notifyDeadLetters({ ...where(), json: o.json })));
  notify
    .command('redeliver')
    .description('send dead letter ID again, now, with its webhook-id; it leaves the list once the receiver takes it (needs a creation token, a creator, or the program\'s token)')
    .argument('<id>', 'the dead letter, as notify dead-letters lists it')
    .action((id: string) => run(handlers.notifyRedeliver({ ...where(), id })));
}
