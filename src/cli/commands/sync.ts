/** `sync`, `export`, `import-bundle`: one program's ledger kept the same in every party's repository. */
import { resolve } from 'node:path';
import { readOtherCopy, syncFrom, verifyOtherCopy, writeBundle } from '../../app/sync.js';
import { openProgram } from '../../app/workspace.js';
import { describeComparison } from '../../app/sync.js';
import { EXIT, type CliIo } from '../io.js';
import type { ExportOptions, ImportBundleOptions, SyncOptions } from '../options.js';
import { openDefined, resolveDir, warnOnDrift } from './context.js';

async function syncWith(dir: string, copy: string, flag: string, io: CliIo): Promise<number> {
  // An empty ledger may be synced into: that is how a party's repository gets its first copy.
  const ws = await openProgram(resolveDir(dir, io));
  const text = await readOtherCopy(resolve(io.cwd, copy), flag);
  const other = await verifyOtherCopy(text);
  const { comparison, appended, workspace } = await syncFrom(ws, other, text.source);
  if (appended.length > 0) {
    io.stdout(`fast-forwarded ${appended.length} event${appended.length === 1 ? '' : 's'} (seq ${appended[0]!.seq}–${appended.at(-1)!.seq}) from ${copy}\n  head ${workspace.state.head}\n`);
  } else {
    io.stdout(`${describeComparison(comparison)}; nothing to bring in\n`);
  }
  warnOnDrift(workspace, io);
  return EXIT.ok;
}

export function sync(o: SyncOptions, io: CliIo): Promise<number> {
  return syncWith(o.dir, o.from, '--from', io);
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
