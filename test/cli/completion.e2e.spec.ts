/**
 * `cutover completion bash|zsh`: the script is generated from the command definitions, sourced in a
 * real bash, asked through COMP_WORDS/COMP_CWORD as bash asks it, and its answers checked: every
 * command's subcommands and options, option choices, and the program's ids from the folder (or -C DIR).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandNode } from '../../src/cli/completion.js';
import { main } from '../../src/cli/main.js';
import type { Handlers } from '../../src/cli/program.js';
import { BIN, cutover, EXAMPLE, tempDir } from '../support/cli.js';

/** The command tree as `cutover completion` receives it from the definitions. */
async function commandTree(): Promise<CommandNode[]> {
  let tree: CommandNode[] = [];
  const handlers = new Proxy({} as Handlers, {
    get: () => async (o: { commands?: CommandNode[] }) => {
      tree = o.commands ?? [];
      return 0;
    },
  });
  await main(['completion', 'bash'], { stdout: () => undefined, stderr: () => undefined, env: {}, now: () => new Date(0), cwd: '/' }, handlers);
  return tree;
}

/** A folder holding a `cutover` on PATH that runs this build, as an installed one would. */
function shim(): string {
  const bin = tempDir();
  writeFileSync(join(bin, 'cutover'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
  chmodSync(join(bin, 'cutover'), 0o755);
  return bin;
}

/** Source the bash script and complete each line of words (the last word is the one being completed). */
function completeInBash(script: string, queries: readonly (readonly string[])[], cwd: string): string[][] {
  const file = join(tempDir(), 'cutover.bash');
  writeFileSync(file, script);
  const asks = queries.map((words) => {
    const quoted = words.map((w) => `'${w}'`).join(' ');
    return `COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; COMPREPLY=(); _cutover; printf '%s\\n' "\${COMPREPLY[*]}"`;
  });
  const run = spawnSync('bash', ['--norc', '--noprofile', '-c', `source '${file}'\n${asks.join('\n')}`], {
    cwd,
    env: { PATH: `${shim()}:${process.env.PATH ?? ''}`, HOME: tempDir() },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  return run.stdout.split('\n').slice(0, queries.length).map((line) => (line === '' ? [] : line.split(' ')));
}

describe('cutover completion bash', () => {
  it("completes every command's subcommands and options, as the definitions declare them", async () => {
    const tree = await commandTree();
    expect(tree.find((n) => n.path === 'evidence add')?.options.map((o) => o.names.at(-1))).toContain('--at-rollback-target');
    const script = cutover(['completion', 'bash']).stdout;
    const queries = tree.flatMap((n) => [['cutover', ...n.path.split(' ').filter(Boolean), ''], ['cutover', ...n.path.split(' ').filter(Boolean), '--']]);
    const answers = completeInBash(script, queries, tempDir());
    tree.forEach((n, i) => {
      const subs = answers[2 * i]!;
      const options = answers[2 * i + 1]!;
      if (n.subcommands.length > 0) expect(subs, `cutover ${n.path} <TAB>`).toEqual(n.subcommands);
      for (const o of n.options) expect(options, `cutover ${n.path} --<TAB>`).toContain(o.names.at(-1));
      if (n.path !== '') expect(options, `cutover ${n.path} --<TAB>`).toContain('--dir');
    });
  });

  it("completes option choices, and the program's role, decision, party, record and phase ids from the folder or -C DIR", () => {
    const script = cutover(['completion', 'bash']).stdout;
    const roles = ['memorykernel-incident-commander', 'assistsupport-incident-commander', 'memorykernel-release-owner', 'assistsupport-runtime-owner', 'integration-program-owner'];
    const decisions = ['rehearsal-continuation', 'runtime-cutover'];
    const phases = ['7', '8', '9', '10'];
    const [kind, as, owner, verdict, gate, party, record, start, close, complete, prefix, elsewhere, dashC] = completeInBash(
      script,
      [
        ['cutover', 'evidence', 'add', '--kind', ''],
        ['cutover', 'verdict', 'runtime-cutover', 'GO', '--as', ''],
        ['cutover', 'blocker', 'raise', '--owner', ''],
        ['cutover', 'verdict', ''],
        ['cutover', 'gate', 'r'],
        ['cutover', 'evidence', 'run', '--party', ''],
        ['cutover', 'render', '--record', ''],
        ['cutover', 'phase', 'start', ''],
        ['cutover', 'phase', 'close', ''],
        ['cutover', 'phase', 'complete', '1'],
        ['cutover', 'verdict', 'runtime-cutover', 'GO', '--as', 'assist'],
        ['cutover', '-C', tempDir(), 'phase', 'start', ''],
        ['cutover', '-C', EXAMPLE, 'gate', ''],
      ],
      EXAMPLE,
    );
    expect(kind).toEqual(['handoff-payload', 'rollback-drill', 'rollback-execution', 'artifact']);
    expect(as).toEqual(roles);
    expect(owner).toEqual(roles);
    expect(verdict).toEqual(decisions);
    expect(gate).toEqual(decisions);
    expect(party).toEqual(['memorykernel', 'assistsupport']);
    expect(record).toContain('producer-decision-record');
    expect(start).toEqual(phases);
    expect(close).toEqual(phases);
    expect(complete).toEqual(['10']);
    expect(prefix).toEqual(['assistsupport-incident-commander', 'assistsupport-runtime-owner']);
    expect(elsewhere).toEqual([]); // an empty folder has no program: nothing to suggest, no error
    expect(dashC).toEqual(decisions);
  });

  it('--ids lists the ids of cutover.yaml; a shell other than bash or zsh is bad usage', () => {
    expect(cutover(['-C', EXAMPLE, 'completion', '--ids', 'phases']).stdout).toBe('7\n8\n9\n10\n');
    expect(cutover(['completion', 'fish']).code).toBe(2);
  });
});

describe('cutover completion zsh', () => {
  const zsh = spawnSync('zsh', ['-c', 'true']).status === 0;

  it('shares the completion logic with the bash script and registers it with compdef', () => {
    const bash = cutover(['completion', 'bash']).stdout;
    const script = cutover(['completion', 'zsh']).stdout;
    expect(script.startsWith('#compdef cutover\n')).toBe(true);
    expect(script).toContain('compdef _cutover_zsh cutover');
    // The shared functions are the same text in both, so the bash tests above exercise zsh's logic too.
    const shared = (s: string) => s.slice(s.indexOf('_cutover_subcommands() {'), s.indexOf('\n}\n', s.indexOf('_cutover_candidates() {')) + 2);
    expect(shared(script).length).toBeGreaterThan(1000);
    expect(shared(script)).toBe(shared(bash));
  });

  it.skipIf(!zsh)('answers in a real zsh as in bash', () => {
    const file = join(tempDir(), 'cutover.zsh');
    writeFileSync(file, cutover(['completion', 'zsh']).stdout.replace(/^compdef .*$/m, ''));
    const run = spawnSync('zsh', ['-f', '-c', `source '${file}'; _cutover_candidates '' phase start`], {
      cwd: EXAMPLE,
      env: { PATH: `${shim()}:${process.env.PATH ?? ''}`, HOME: tempDir() },
      encoding: 'utf8',
    });
    expect(run.stdout.trim().split('\n')).toEqual(['7', '8', '9', '10']);
  });
});
