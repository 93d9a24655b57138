/**
 * One long-lived `git cat-file --batch-command` process per repository: every object the audit
 * reads (commits, trees, blobs) and every name it resolves goes through it, so auditing a thousand
 * files costs one process, not a thousand. Requests are pipelined: many may be in flight, and the
 * answers come back in the order they were asked.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { GLOBAL_OPTIONS, gitEnv } from '../evidence/git.js';

export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

/** What git says about a name: the object it resolves to, or why it resolves to none. */
export type Resolved =
  | { readonly found: true; readonly id: string; readonly type: ObjectType; readonly size: number }
  | { readonly found: false; readonly why: 'missing' | 'ambiguous' };

export interface GitObjectContent {
  readonly id: string;
  readonly type: ObjectType;
  readonly data: Buffer;
}

interface Pending {
  readonly withContent: boolean;
  readonly done: (answer: { resolved: Resolved; data: Buffer | null }) => void;
  readonly fail: (error: Error) => void;
}

export class GitBatch {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failure: Error | null = null;
  private stderr = '';

  constructor(private readonly repoPath: string) {
    this.child = spawn('git', [...GLOBAL_OPTIONS, 'cat-file', '--batch-command'], { cwd: repoPath, env: gitEnv(), stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.child.stdin.on('error', () => {}); // the exit below tells what went wrong
    this.child.on('error', (e) => this.abort(new Error(`could not run git (is it installed and on PATH?): ${e.message}`)));
    this.child.on('close', (code) => {
      if (this.pending.length > 0) this.abort(new Error(`git cat-file --batch-command ended (exit ${code}) in ${repoPath}: ${this.stderr.trim()}`));
    });
  }

  /** The object a name (an id, a prefix, `rev^{commit}`, `commit:path`) resolves to, without its content. */
  info(name: string): Promise<Resolved> {
    return this.ask('info', name, false).then((a) => a.resolved);
  }

  /** The object and its bytes; null when the name resolves to nothing. */
  async contents(name: string): Promise<GitObjectContent | null> {
    const { resolved, data } = await this.ask('contents', name, true);
    return resolved.found && data !== null ? { id: resolved.id, type: resolved.type, data } : null;
  }

  /** End the process; pending requests fail. */
  close(): void {
    this.child.stdin.end();
  }

  private ask(command: 'info' | 'contents', name: string, withContent: boolean) {
    // Names come on stdin, one per line: a newline would start another command.
    if (/[\n\r]/.test(name)) return Promise.reject(new Error(`an object name cannot contain a line break: ${JSON.stringify(name)}`));
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<{ resolved: Resolved; data: Buffer | null }>((done, fail) => {
      this.pending.push({ withContent, done, fail });
      this.child.stdin.write(`${command} ${name}\n`);
    });
  }

  private abort(error: Error): void {
    this.failure = error;
    for (const p of this.pending.splice(0)) p.fail(error);
  }

  /** Answers are "<id> <type> <size>\n" (then <size> bytes and "\n" for contents) or "<name> missing|ambiguous\n". */
  private receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const next = this.pending[0];
      if (next === undefined) return;
      const eol = this.buffer.indexOf(10);
      if (eol < 0) return;
      const header = this.buffer.subarray(0, eol).toString('utf8');
      const m = /^([0-9a-f]{40,64}) (commit|tree|blob|tag) (\d+)$/.exec(header);
      if (m === null) {
        const why = header.endsWith(' ambiguous') ? 'ambiguous' : 'missing';
        this.buffer = this.buffer.subarray(eol + 1);
        this.pending.shift();
        next.done({ resolved: { found: false, why }, data: null });
        continue;
      }
      const resolved: Resolved = { found: true, id: m[1] as string, type: m[2] as ObjectType, size: Number(m[3]) };
      if (!next.withContent) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.pending.shift();
        next.done({ resolved, data: null });
        continue;
      }
      const end = eol + 1 + resolved.size;
      if (this.buffer.length < end + 1) return; // the rest of the object is still on its way
      const data = Buffer.from(this.buffer.subarray(eol + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.pending.shift();
      next.done({ resolved, data });
    }
  }
}
