/** `audit`: what hand-kept records get wrong, in repositories that keep no ledger. Exit 0 none, 1 findings, 2 bad input. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { audit } from '../../audit/audit.js';
import { formatReport, githubAnnotations, sarifLog } from '../../audit/format.js';
import { parseRepoSpec } from '../../audit/specs.js';
import { invalidInput } from '../../errors.js';
import { EXIT, type CliIo } from '../io.js';
import type { OutputFormat } from '../options.js';

export interface AuditOptions {
  /** DIR or NAME=DIR, each. */
  readonly repos: readonly string[];
  readonly producer?: string;
  /** REV (every repository) and NAME=REV (one); none: HEAD. */
  readonly rev: readonly string[];
  readonly since?: string;
  readonly mirrors: readonly string[];
  readonly json: boolean;
  readonly format: OutputFormat;
  readonly sarif?: string;
  readonly suggest: boolean;
  /** With --suggest: write the suggested cutover.yaml here (never over an existing file). */
  readonly out?: string;
}

export async function auditCommand(o: AuditOptions, io: CliIo): Promise<number> {
  if (o.out !== undefined && !o.suggest) throw invalidInput({ source: '--out', field: '', expected: 'to be given with --suggest', found: `--out ${o.out} alone` });
  const out = o.out === undefined ? undefined : resolve(io.cwd, o.out);
  if (out !== undefined && existsSync(out)) throw invalidInput({ source: '--out', field: '', expected: 'a file that does not exist yet', found: `${out}, which exists` }, ['pick another path, or remove the file first']);

  const result = await audit({
    repos: o.repos.map(parseRepoSpec).map((r) => ({ ...r, path: resolve(io.cwd, r.path) })),
    rev: o.rev,
    mirrors: o.mirrors,
    suggest: o.suggest,
    ...(o.producer === undefined ? {} : { producer: o.producer }),
    ...(o.since === undefined ? {} : { since: o.since }),
  });
  const { report } = result;
  if (o.sarif !== undefined) await writeFile(resolve(io.cwd, o.sarif), JSON.stringify(sarifLog(report), null, 2) + '\n');

  if (o.suggest) {
    const yaml = result.suggestion ?? '';
    if (out === undefined) io.stdout(yaml);
    else {
      await writeFile(out, yaml, { flag: 'wx' });
      io.stdout(`wrote ${out}\n`);
    }
  } else if (o.json) io.stdout(JSON.stringify(report, null, 2) + '\n');
  else {
    io.stdout(formatReport(report));
    if (o.format === 'github') io.stdout(githubAnnotations(report));
  }
  const present = report.findings.filter((f) => f.history === undefined || f.history.present);
  return present.length === 0 ? EXIT.ok : EXIT.noGo;
}
