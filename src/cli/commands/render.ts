/** `render`: records from the ledger, to stdout, to files in the party's repository, or checked against them. */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { evaluate, type Evaluation } from '../../domain/evaluate.js';
import { invalidInput, UnknownNameError } from '../../errors.js';
import { replaceFile, writablePathInside } from '../../program/paths.js';
import type { ProgramDefinition, RecordDefinition } from '../../program/schema.js';
import type { Workspace } from '../../app/workspace.js';
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

  if (o.check === undefined && !o.all) throw invalidInput({ source: 'render', field: '', expected: '--all (write them), --check (compare them), or --record <id>', found: 'none of these' });
  if (o.check === undefined) {
    await writeRecords(ws, ev, records, o.root, io);
    return EXIT.ok;
  }
  const { root } = await recordsRoot(ws.dir, o.root, io);
  const files = await recordFiles(def, records, root);
  const rendered = await Promise.all(records.map((r) => renderRecord(ev, def, r, ws.dir)));
  const checks = await Promise.all(rendered.map((r, i) => checkRecord(r, files[i]!, r.record.path)));
  return reportChecks(checks, ws.state.seq, o, io);
}

/** Every record path inside the repository, checked before anything is read or written: a record path never leads outside it. */
function recordFiles(def: ProgramDefinition, records: readonly RecordDefinition[], root: string): Promise<string[]> {
  return Promise.all(records.map((r) => writablePathInside(root, r.path, { source: `record ${r.id} (cutover.yaml as recorded in the ledger)`, field: `records[${def.records.indexOf(r)}].path` })));
}

/** Where record paths point: `--root`, else the git top level of the program folder, else the program folder itself. */
async function recordsRoot(programDir: string, root: string | undefined, io: CliIo): Promise<{ root: string; inGit: boolean }> {
  if (root !== undefined) return { root: resolve(io.cwd, root), inGit: true };
  const top = await gitTopLevel(programDir);
  return top === null ? { root: programDir, inGit: false } : { root: top, inGit: true };
}

/**
 * `render --all` (and `sync --render`): every record of a party written at its path. Outside a git
 * repository the paths are printed whole, so the files can be found.
 */
export async function writeRecords(ws: Workspace, ev: Evaluation, records: readonly RecordDefinition[], rootOption: string | undefined, io: CliIo): Promise<void> {
  const def = ws.state.definition!;
  const { root, inGit } = await recordsRoot(ws.dir, rootOption, io);
  const files = await recordFiles(def, records, root);
  const rendered = await Promise.all(records.map((r) => renderRecord(ev, def, r, ws.dir)));
  if (!inGit) io.stderr(`cutover: note: ${ws.dir} is not in a git repository: records are written under it (--root <dir> picks the party's repository)\n`);
  for (const [i, r] of rendered.entries()) {
    const file = files[i]!;
    await mkdir(dirname(file), { recursive: true });
    await replaceFile(file, r.text);
    io.stdout(`wrote ${inGit ? relative(io.cwd, file) || file : file} (${r.record.id}, seq ${ws.state.seq})\n`);
  }
}

/** The records of one party (`--party` checked against the parties of the definition). */
export function recordsOfParty(def: ProgramDefinition, party: string | undefined): RecordDefinition[] {
  return chosenRecords(def.records, def.parties.map((p) => p.id), { party });
}

function chosenRecords(all: readonly RecordDefinition[], parties: readonly string[], o: Pick<RenderOptions, 'record' | 'party'>): RecordDefinition[] {
  if (o.record !== undefined) {
    const record = all.find((r) => r.id === o.record);
    if (record === undefined) throw new UnknownNameError('record', o.record, all.map((r) => r.id));
    return [record];
  }
  if (o.party === undefined) throw invalidInput({ source: '--party', field: '', expected: `the party whose records to render (${parties.join(', ')}), or --record <id>`, found: 'nothing' });
  if (!parties.includes(o.party)) throw new UnknownNameError('party', o.party, parties);
  return all.filter((r) => r.party === o.party);
}

/** The git work tree holding `dir`, or null when it is in none. */
async function gitTopLevel(dir: string): Promise<string | null> {
  // Loaded here: rendering one record to stdout runs no git, and need not load child processes.
  const { execFileSync } = await import('node:child_process');
  try {
    return execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

function reportChecks(checks: Awaited<ReturnType<typeof checkRecord>>[], seq: number, o: RenderOptions, io: CliIo): number {
  let stale = 0;
  // The command that brings them up to date, with the names given on this command line (no placeholder left to fill).
  const where = o.dir === '.' ? '' : ` -C ${o.dir}`;
  const regenerate =
    o.record !== undefined
      ? `cutover${where} render --record ${o.record} --out ${typeof o.check === 'string' ? o.check : '<file>'}`
      : `cutover${where} render --all --party ${o.party ?? '<party>'}${o.root === undefined ? '' : ` --root ${o.root}`}`;
  for (const check of checks) {
    const shown = relative(io.cwd, check.file) || check.file;
    if (check.status === 'up-to-date') {
      io.stdout(`${shown}: up to date with seq ${seq}\n`);
      continue;
    }
    stale++;
    const what = check.status === 'missing' ? 'is missing' : 'differs from what the ledger renders now';
    io.stdout(`${shown}: ${what} (seq ${seq})\n${check.diff}`);
    if (o.format === 'github') io.stdout(githubError(shown, `${shown} ${what} (ledger seq ${seq}): run ${regenerate} and commit`));
  }
  if (stale > 0) io.stderr(`cutover: ${stale} record${stale === 1 ? '' : 's'} out of date; regenerate with ${regenerate}${o.party === undefined && o.record === undefined ? ' (or --record <id> --out <file>)' : ''}\n`);
  return stale === 0 ? EXIT.ok : EXIT.noGo;
}
