/** `target check`: is a tag + SHA pair real? No program, no ledger: a consumer's CI checks a pin pair before it repins. */
import { resolve } from 'node:path';
import { checkTarget, openRepo } from '../../evidence/git.js';
import { EXIT, type CliIo } from '../io.js';
import type { TargetCheckOptions } from '../options.js';

export async function targetCheck(o: TargetCheckOptions, io: CliIo): Promise<number> {
  const repo = await openRepo(resolve(io.cwd, o.repo), '--repo');
  const check = await checkTarget(repo, o.tag, o.sha);
  if (o.json) {
    io.stdout(JSON.stringify({ ok: check.ok, repo: repo.path, ...check.facts, problems: check.problems }, null, 2) + '\n');
  } else if (check.ok) {
    const kind = check.facts.annotated ? `annotated tag, tag object ${check.facts.tagObject}` : 'lightweight tag';
    io.stdout(`ok: ${o.tag} points at ${o.sha} (${kind})\n`);
  } else {
    io.stdout(`NOT a real target: ${o.tag} @ ${o.sha}\n${check.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  }
  return check.ok ? EXIT.ok : EXIT.noGo;
}
