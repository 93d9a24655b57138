/** `sync`, `export`, `import-bundle`: one program's ledger kept the same in every party's repository. */
import { resolve } from 'node:path';
import { readOtherCopy, syncFrom, verifyOtherCopy, writeBundle } from '../../app/sync.js';
import { openProgram } from '../../app/workspace.js';
import { describeComparison } from '../../app/sync.js';
import { evaluate } from '../../domain/evaluate.js';
import { invalidInput, InvalidTransitionError } from '../../errors.js';
import { recordsOfParty, writeRecords } from './render.js';
import { EXIT, type CliIo } from '../io.js';
import type { ExportOptions, ImportBundleOptions, SyncOptions } from '../options.js';
import { openDefined, resolveDir, warnOnDrift } from './context.js';

/** With `sync --render`: the party whose records are written again once the ledger is synced. */
interface RenderAfter {
  readonly party?: string;
  readonly root?: string;
}

async function syncWith(dir: string, copy: string, flag: string, io: CliIo, renderAfter?: RenderAfter): Promise<number> {
  if (renderAfter !== undefined && renderAfter.party === undefined) {
    throw invalidInput({ source: '--render', field: '', expected: '--party <party>: the party whose records to render (its repository is this one)', found: 'no --party' });
  }
  // An empty ledger may be synced into: that is how a party's repository gets its first copy.
  const ws = await openProgram(resolveDir(dir, io));
  // A misspelt party is refused before anything is synced.
  if (renderAfter !== undefined && ws.state.definition !== null) recordsOfParty(ws.state.definition, renderAfter.party);
  const text = await readOtherCopy(resolve(io.cwd, copy), flag);
  const other = await verifyOtherCopy(text);
  const { comparison, appended, workspace } = await syncFrom(ws, other, text.source);
  if (appended.length > 0) {
    io.stdout(`fast-forwarded ${appended.length} event${appended.length === 1 ? '' : 's'} (seq ${appended[0]!.seq}–${appended.at(-1)!.seq}) from ${copy}\n  head ${workspace.state.head}\n`);
  } else {
    io.stdout(`${describeComparison(comparison)}; nothing to bring in\n`);
  }
  await warnOnDrift(workspace);
  if (renderAfter !== undefined) {
    const def = workspace.state.definition;
    if (def === null) throw new InvalidTransitionError(`no program definition is recorded in ${workspace.ledgerSource}: there are no records to render`);
    await writeRecords(workspace, evaluate(workspace.state, io.now()), recordsOfParty(def, renderAfter.party), renderAfter.root, io);
  }
  return EXIT.ok;
}

export async function sync(o: SyncOptions, io: CliIo): Promise<number> {
  if (o.render !== true && (o.party !== undefined || o.root !== undefined)) {
    throw invalidInput({ source: o.party !== undefined ? '--party' : '--root', field: '', expected: 'it only with --render (sync brings in events of every party)', found: 'no --render' });
  }
  return syncWith(o.dir, o.from, '--from', io, o.render ? { ...(o.party === undefined ? {} : { party: o.party }), ...(o.root === undefined ? {} : { root: o.root }) } : undefined);
}

export function importBundle(o: ImportBundleOptions, io: CliIo): Promise<number> {
  return syncWith(o.dir, o.file, '<file>', io);
}

export async function exportBundle(o: ExportOptions, io: CliIo): Promise<number> {
  const ws = await openDefined(o.dir, io);
  await writeBundle(ws, resolve(io.cwd, o.out));
  io.stdout(`wrote ${o.out}: ${ws.state.seq} event${ws.state.seq === 1 ? '' : 's'} of ${ws.state.program}, head ${ws.state.head}\n`);
  return EXIT.ok;
}
