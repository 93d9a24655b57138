/**
 * A throwaway PostgreSQL cluster for tests and benchmarks: `initdb` and `pg_ctl` from the server
 * binaries (Debian package `postgresql`, /usr/lib/postgresql/<version>/bin) in a temporary folder,
 * on a free loopback port, stopped and removed afterwards. With DATABASE_URL set, that server is
 * used instead and nothing is started. initdb refuses to run as root, so as root the cluster is
 * created and run as the `postgres` system user (which the package creates), in a folder it owns.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Cluster {
  /** A connection string for the cluster's database. */
  readonly url: string;
  /** true: DATABASE_URL named a server of someone else's; it is never stopped. */
  readonly external: boolean;
  /** Stop the server (fast shutdown), keeping the data: for fault tests. */
  pause(): void;
  /** Start it again on the same port and data. */
  resume(): void;
  /** A PostgreSQL client binary (pgbench, psql) with the arguments to run it as the cluster's user. */
  command(binary: string, args: readonly string[]): { file: string; args: string[] };
  /** Stop the server and remove its folder. */
  stop(): void;
}

/** Where the server binaries are: the newest /usr/lib/postgresql/<version>/bin holding initdb. */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

/** Can a throwaway cluster be started here (or is DATABASE_URL set)? */
export function postgresAvailable(): boolean {
  return process.env.DATABASE_URL !== undefined || postgresBinDir() !== null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const running = new Set<Cluster>();
process.once('exit', () => {
  for (const cluster of running) cluster.stop();
});

export async function startCluster(): Promise<Cluster> {
  const external = process.env.DATABASE_URL;
  if (external !== undefined && external !== '') {
    const nothing = () => {};
    return { url: external, external: true, pause: nothing, resume: nothing, command: (file, args) => ({ file, args: [...args] }), stop: nothing };
  }
  const bin = postgresBinDir();
  if (bin === null) throw new Error('no PostgreSQL server binaries in /usr/lib/postgresql/*/bin: apt-get install -y postgresql, or set DATABASE_URL');

  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'cutover-pg-'));
  const data = join(dir, 'data');
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
    chmodSync(dir, 0o700);
  }
  const as = (file: string, args: readonly string[]) => (asRoot ? { file: 'runuser', args: ['-u', 'postgres', '--', file, ...args] } : { file, args: [...args] });
  const run = (binary: string, args: readonly string[]) => {
    const c = as(join(bin, binary), args);
    const result = spawnSync(c.file, c.args, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) throw new Error(`${binary} ${args.join(' ')} failed (${result.status ?? result.signal}): ${result.stderr || result.stdout}`);
  };

  run('initdb', ['-D', data, '-U', 'cutover', '--auth=trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
  const port = await freePort();
  // pg_stat_statements (in Debian's server package) where present: benchmarks count the statements a server sends.
  const statements = existsSync(join(bin, '..', 'lib', 'pg_stat_statements.so')) ? ' -c shared_preload_libraries=pg_stat_statements' : '';
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=200${statements}`;
  const start = () => run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', 'start']);
  const halt = () => run('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  start();
  let up = true;
  let removed = false;
  const cluster: Cluster = {
    url: `postgres://cutover@127.0.0.1:${port}/postgres`,
    external: false,
    pause() {
      if (up) halt();
      up = false;
    },
    resume() {
      if (!up) start();
      up = true;
    },
    command: (binary, args) => as(join(bin, binary), args),
    stop() {
      if (removed) return;
      removed = true;
      running.delete(cluster);
      try {
        if (up) halt();
      } finally {
        up = false;
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  running.add(cluster);
  return cluster;
}
