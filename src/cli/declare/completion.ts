/** The CLI's shell completion. */
import { Argument, Option } from 'commander';
import { describeCommands, ID_KINDS } from '../completion.js';
import { type CliContext } from './context.js';

export function declareCompletion({ cli, handlers, dir, run, opt, wanted }: CliContext): void {
  if (wanted('completion')) {
    cli
      .command('completion')
      .description('print a bash or zsh completion script, generated from these commands: source <(cutover completion bash)')
      .addArgument(new Argument('[shell]', 'bash or zsh').choices(['bash', 'zsh']))
      .addOption(new Option('--ids <kind>', 'print the ids of that kind in the folder\'s cutover.yaml, one a line (what the script completes with)').choices(Object.values(ID_KINDS)))
      .action((shell, o) => run(handlers.completion({ dir: dir(), commands: describeCommands(cli), ...opt('shell', shell), ...opt('ids', o.ids) })));
  }
}
