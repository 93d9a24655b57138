/** An exclusive lock beside a file, held by one process at a time (O_CREAT|O_EXCL). */
import { open, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { LedgerLockedError } from '../errors.js';

const WAIT_MS = 10_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Run `work` while holding `${file}.lock`. A lock left by a dead process on this host is taken over. */
export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lockFile = `${file}.lock`;
  const me = `${process.pid}@${hostname()}`;
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
    try {
      const handle = await open(lockFile, 'wx', 0o644);
      await handle.writeFile(me);
      await handle.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = await readFile(lockFile, 'utf8').catch(() => '');
      const [pid, host] = holder.split('@');
      if (holder !== '' && host === hostname() && !isAlive(Number(pid))) {
        await unlink(lockFile).catch(() => undefined);
        continue;
      }
      if (Date.now() > deadline) throw new LedgerLockedError(lockFile, holder === '' ? 'another process' : `process ${holder}`);
      await sleep(delay);
    }
  }
  try {
    return await work();
  } finally {
    await unlink(lockFile).catch(() => undefined);
  }
}
