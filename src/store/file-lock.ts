/**
 * An exclusive lock beside a file, held by one process at a time.
 *
 * Taking the lock is one atomic step: the holder's id is written to a private file first, then
 * hard-linked to `<file>.lock` (link fails if the lock exists), so a lock is never seen empty.
 *
 * A lock left by a process that died is taken over, and that is the delicate part: two waiters may
 * both find the same dead lock, and the one that comes second must not remove the fresh lock the
 * first has taken meanwhile. So a takeover happens only under a second, host-wide mutex that the
 * kernel releases when its holder dies (an abstract Unix socket on Linux), and removes the lock only
 * after re-reading it under that mutex and finding the very lock (same inode, same nonce) it judged
 * dead.
 */
import { randomBytes, createHash } from 'node:crypto';
import { link, open, readdir, readFile, stat, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { LedgerLockedError } from '../errors.js';

const WAIT_MS = 10_000;
/** A lock with no holder id (left by an older version killed mid-write) is stale after this. */
const UNREADABLE_STALE_MS = 5_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface LockSeen {
  readonly content: string;
  readonly ino: number;
  readonly mtimeMs: number;
}

/** `pid@host nonce`; older versions wrote `pid@host`. */
function holderOf(content: string): { pid: number; host: string } | null {
  const match = /^(\d+)@(\S+)(?: [0-9a-f]+)?$/.exec(content);
  return match === null ? null : { pid: Number(match[1]), host: match[2]! };
}

async function look(lockFile: string): Promise<LockSeen | null> {
  try {
    const [content, info] = await Promise.all([readFile(lockFile, 'utf8'), stat(lockFile)]);
    return { content, ino: info.ino, mtimeMs: info.mtimeMs };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function isStale(seen: LockSeen, now: number): boolean {
  const holder = holderOf(seen.content);
  if (holder === null) return now - seen.mtimeMs > UNREADABLE_STALE_MS;
  return holder.host === hostname() && !isAlive(holder.pid);
}

/** Create `lockFile` holding `me`, atomically; false when it already exists. */
async function claim(lockFile: string, me: string): Promise<boolean> {
  const draft = `${lockFile}.${DRAFT_TAG}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const handle = await open(draft, 'wx', 0o644);
  try {
    await handle.writeFile(me);
  } finally {
    await handle.close();
  }
  try {
    await link(draft, lockFile);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

const DRAFT_TAG = `draft-${hostname().replace(/[^A-Za-z0-9-]/g, '_')}`;

/** Drafts left by writers of this host killed between writing and linking them. */
async function removeDeadDrafts(lockFile: string): Promise<void> {
  const prefix = `${basename(lockFile)}.${DRAFT_TAG}.`;
  const names = await readdir(dirname(lockFile)).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('.')[0]);
    if (Number.isInteger(pid) && !isAlive(pid)) await unlink(join(dirname(lockFile), name)).catch(() => undefined);
  }
}

/** Remove the lock judged dead, if it is still that very lock. */
async function takeOver(lockFile: string, dead: LockSeen): Promise<void> {
  await withTakeoverMutex(lockFile, async () => {
    const now = await look(lockFile);
    if (now !== null && now.ino === dead.ino && now.content === dead.content) await unlink(lockFile);
  });
}

/** Run `work` while holding `${file}.lock`. A lock left by a dead process on this host is taken over. */
export async function withFileLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lockFile = `${file}.lock`;
  const me = `${process.pid}@${hostname()} ${randomBytes(8).toString('hex')}`;
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 2; ; delay = Math.min(delay * 2, 100)) {
    if (await claim(lockFile, me)) break;
    const seen = await look(lockFile);
    if (seen === null) continue; // released between our attempt and our look
    if (isStale(seen, Date.now())) {
      await takeOver(lockFile, seen);
      continue;
    }
    if (Date.now() > deadline) {
      const holder = holderOf(seen.content);
      throw new LedgerLockedError(lockFile, holder === null ? 'another process' : `process ${holder.pid}@${holder.host}`);
    }
    await sleep(delay);
  }
  try {
    await removeDeadDrafts(lockFile);
    return await work();
  } finally {
    await unlink(lockFile).catch(() => undefined);
  }
}

/**
 * Serialise takeovers of one lock across this host. On Linux the mutex is an abstract Unix socket:
 * binding it is exclusive and the kernel frees it when the process dies, so a killed taker can
 * never leave it behind. Elsewhere a `<lock>.takeover` file stands in, judged stale after a while.
 */
async function withTakeoverMutex(lockFile: string, work: () => Promise<void>): Promise<void> {
  const release = process.platform === 'linux' ? await bindAbstract(lockFile) : await createTakeoverFile(lockFile);
  try {
    await work();
  } finally {
    await release();
  }
}

async function bindAbstract(lockFile: string): Promise<() => Promise<void>> {
  const name = `\0cutover-lock-${createHash('sha256').update(lockFile).digest('hex').slice(0, 32)}`;
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    const server = createServer();
    const bound = await new Promise<boolean>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(false) : reject(e)));
      server.listen({ path: name, exclusive: true }, () => resolve(true));
    });
    if (bound) {
      server.unref();
      return () => new Promise<void>((resolve) => (server as Server).close(() => resolve()));
    }
    if (Date.now() > deadline) throw new LedgerLockedError(lockFile, 'another process taking over a stale lock');
    await sleep(delay);
  }
}

async function createTakeoverFile(lockFile: string): Promise<() => Promise<void>> {
  const mutex = `${lockFile}.takeover`;
  const deadline = Date.now() + WAIT_MS;
  for (let delay = 1; ; delay = Math.min(delay * 2, 50)) {
    try {
      await (await open(mutex, 'wx', 0o644)).close();
      return () => unlink(mutex).catch(() => undefined);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const info = await stat(mutex).catch(() => null);
      if (info !== null && Date.now() - info.mtimeMs > UNREADABLE_STALE_MS) await unlink(mutex).catch(() => undefined);
      if (Date.now() > deadline) throw new LedgerLockedError(lockFile, 'another process taking over a stale lock');
      await sleep(delay);
    }
  }
}
