/** `render`: records from the ledger, to stdout, to files in the party's repository, or checked against them. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { evaluate } from '../../domain/evaluate.js';
import { invalidInput, UnknownNameError } from '../../errors.js';
import { writablePathInside } from '../../program/paths.js';
import type { RecordDefinition } from '../../program/schema.js';
import { checkRecord, renderRecord } from '../../render/records.js';
import { githubError } from '../format.js';
import { EXIT, type CliIo } from '../io.js';
import type { RenderOptions } from '../options.js';
import { parseTime } from '../parse.js';
import { openDefined } from './context.js';

export async function render(o: RenderOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o.dir, io);
  const def = ws.state.definition!;
  const now = o.at === undefined ? io.now() : new Date(parseTime('--at', o.at));
  const ev = evaluate(ws.state, now);
  const records = chosenRecords(def.records, def.parties.map((p) => p.id), o);

  // One record to stdout, to a file, or checked against a given file.
  if (o.record !== undefined && !o.all && (o.check === undefined || typeof o.check === 'string')) {
    const rendered = await renderRecord(ev, def, records[0]!, ws.dir);
    if (typeof o.check === 'string') return reportChecks([await checkRecord(rendered, resolve(io.cwd, o.check), o.check)], ws.state.seq, o, io);
    if (o.out === undefined) {
      io.stdout(rendered.text);
    } else {
      await writeFile(resolve(io.cwd, o.out), rendered.text);
      io.stdout(`wrote ${o.out} (seq ${ws.state.seq})\n`);
    }
    return EXIT.ok;
  }

  const root = o.root === undefined ? await repositoryRoot(ws.dir) : resolve(io.cwd, o.root);
  if (o.check === undefined && !o.all) throw invalidInput({ source: 'render', field: '', expected: '--all (write them), --check (compare them), or --record <id>', found: 'none of these' });
  // Every path is checked before anything is read or written: a record path never leads outside the repository.
  const files = await Promise.all(records.map((r) => writablePathInside(root, r.path, { source: `record ${r.id} (cutover.yaml as recorded in the ledger)`, field: `records[${def.records.indexOf(r)}].path` })));
  const rendered = await Promise.all(records.map((r) => renderRecord(ev, def, r, ws.dir)));
  if (o.check !== undefined) {
    const checks = await Promise.all(rendered.map((r, i) => checkRecord(r, files[i]!, r.record.path)));
    return reportChecks(checks, ws.state.seq, o, io);
  }
  for (const [i, r] of rendered.entries()) {
    const file = files[i]!;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, r.text);
    io.stdout(`wrote ${relative(io.cwd, file) || file} (${r.record.id}, seq ${ws.state.seq})\n`);
  }
  return EXIT.ok;
}

function chosenRecords(all: readonly RecordDefinition[], parties: readonly string[], o: RenderOptions): RecordDefinition[] {
  if (o.record !== undefined) {
    const record = all.find((r) => r.id === o.record);
    if (record === undefined) throw new UnknownNameError('record', o.record, all.map((r) => r.id));
    return [record];
  }
  if (o.party === undefined) throw invalidInput({ source: '--party', field: '', expected: `the party whose records to render (${parties.join(', ')}), or --record <id>`, found: 'nothing' });
  if (!parties.includes(o.party)) throw new UnknownNameError('party', o.party, parties);
  return all.filter((r) => r.party === o.party);
}

/** Record paths point into the party's repository: by default the git work tree holding the program folder. */
async function repositoryRoot(programDir: string): Promise<string> {
  // Loaded here: rendering one record to stdout runs no git, and need not load child processes.
  const { execFileSync } = await import('node:child_process');
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: programDir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || programDir;
  } catch {
    return programDir;
  }
}

function reportChecks(checks: Awaited<ReturnType<typeof checkRecord>>[], seq: number, o: RenderOptions, io: CliIo): number {
  let stale = 0;
  for (const check of checks) {
    const shown = relative(io.cwd, check.file) || check.file;
    if (check.status === 'up-to-date') {
      io.stdout(`${shown}: up to date with seq ${seq}\n`);
      continue;
    }
    stale++;
    const what = check.status === 'missing' ? 'is missing' : 'differs from what the ledger renders now';
    io.stdout(`${shown}: ${what} (seq ${seq})\n${check.diff}`);
    if (o.format === 'github') io.stdout(githubError(shown, `${shown} ${what} (ledger seq ${seq}): run cutover render --all --party <party> and commit`));
  }
  if (stale > 0) io.stderr(`cutover: ${stale} record${stale === 1 ? '' : 's'} out of date; regenerate with cutover render --all --party <party> (or --record <id> --out <file>)\n`);
  return stale === 0 ? EXIT.ok : EXIT.noGo;
}
