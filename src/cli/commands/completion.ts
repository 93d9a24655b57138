/** `cutover completion bash|zsh` prints the script; `--ids KIND` the program's ids the script completes. */
import { join } from 'node:path';
import { invalidInput } from '../../errors.js';
import { DEFINITION_FILE, loadDefinition } from '../../program/load.js';
import type { ProgramDefinition } from '../../program/schema.js';
import { bashScript, zshScript, type CommandNode, type IdKind } from '../completion.js';
import { EXIT, type CliIo } from '../io.js';
import { resolveDir } from './context.js';

export interface CompletionOptions {
  readonly dir: string;
  readonly shell?: 'bash' | 'zsh';
  readonly ids?: IdKind;
  readonly commands: readonly CommandNode[];
}

export async function completion(o: CompletionOptions, io: CliIo): Promise<number> {
  if (o.ids !== undefined) {
    // The ids of cutover.yaml as it stands: the file the user is editing is what they type against.
    const { definition } = await loadDefinition(join(resolveDir(o.dir, io), DEFINITION_FILE));
    io.stdout(idsOf(definition, o.ids).map((id) => `${id}\n`).join(''));
    return EXIT.ok;
  }
  if (o.shell === undefined) throw invalidInput({ source: 'cutover completion', field: '', expected: 'a shell: bash or zsh (or --ids KIND)', found: 'neither' });
  io.stdout(o.shell === 'bash' ? bashScript(o.commands) : zshScript(o.commands));
  return EXIT.ok;
}

function idsOf(def: ProgramDefinition, kind: IdKind): string[] {
  switch (kind) {
    case 'roles':
      return def.roles.map((r) => r.id);
    case 'decisions':
      return def.decisions.map((d) => d.id);
    case 'parties':
      return def.parties.map((p) => p.id);
    case 'records':
      return def.records.map((r) => r.id);
    case 'phases':
      return def.phases.map((p) => p.id);
  }
}
