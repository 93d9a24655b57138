/**
 * Real monitoring for tests: an exporter the test controls (node:http), Debian's Prometheus and
 * Alertmanager started on loopback with random free ports and temporary data folders, short
 * intervals (scrape 1s, evaluation 1s, group_wait 1s), and killed after the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as netServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, INHERITED_ENV, ROOT } from './cli.js';

export const PROMETHEUS = '/usr/bin/prometheus';
export const ALERTMANAGER = '/usr/bin/prometheus-alertmanager';

/** A port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = netServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Poll `probe` until it gives a value (not undefined); `what` names it if it never does within `limitMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, limitMs = 60_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = await Promise.resolve(probe()).catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface Exporter {
  readonly target: string;
  /** Set the value a series exports, by its `service` label. */
  set(service: string, value: number): void;
  close(): Promise<void>;
}

/** A /metrics endpoint with one gauge, error_ratio{service=…}, whose values the test sets. */
export async function startExporter(initial: Record<string, number>): Promise<Exporter> {
  const values = new Map(Object.entries(initial));
  const server: Server = createServer((req, res) => {
    const lines = ['# TYPE error_ratio gauge', ...[...values].map(([service, v]) => `error_ratio{service="${service}"} ${v}`)];
    // A closed connection per scrape: a kept-alive one that Node times out under a scrape fails it, and Prometheus marks the series stale.
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4', connection: 'close' });
    res.end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    target: `127.0.0.1:${port}`,
    set: (service, value) => void values.set(service, value),
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface Daemon {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

/** A daemon's own folder: it lives as long as the daemon (a test's temporary folders go after each test, and a daemon may serve several). */
function daemonDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

async function startDaemon(bin: string, args: string[], port: number, ready: string, dir: string): Promise<Daemon> {
  const child = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => void (log = (log + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(`${bin} to be ready (${log})`, async () => {
      if (child.exitCode !== null) throw new Error(`${bin} exited: ${log}`);
      const r = await fetch(`${url}${ready}`);
      return r.ok ? true : undefined;
    });
  } catch (e) {
    await stop();
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  return { url, process: child, stop };
}

/** Prometheus scraping `exporter` every second, evaluating `rules` (a rule file's YAML) every second, alerting `alertmanager`. */
export async function startPrometheus(exporter: string, options: { rules?: string; alertmanager?: string } = {}): Promise<Daemon> {
  const dir = daemonDir('cutover-prometheus-');
  const port = await freePort();
  const rules = options.rules === undefined ? '' : `rule_files: [${JSON.stringify(join(dir, 'rules.yml'))}]\n`;
  if (options.rules !== undefined) writeFileSync(join(dir, 'rules.yml'), options.rules);
  const alerting = options.alertmanager === undefined ? '' : `alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [${JSON.stringify(options.alertmanager)}]\n`;
  writeFileSync(
    join(dir, 'prometheus.yml'),
    `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n${rules}${alerting}scrape_configs:\n  - job_name: exporter\n    static_configs:\n      - targets: [${JSON.stringify(exporter)}]\n`,
  );
  return startDaemon(
    PROMETHEUS,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    port,
    '/-/ready',
    dir,
  );
}

/** Alertmanager posting every group to `webhook` (group_wait 1s, group_interval 1s), resolutions too. */
export async function startAlertmanager(webhook: string, repeatInterval = '1h'): Promise<Daemon> {
  const dir = daemonDir('cutover-alertmanager-');
  const port = await freePort();
  writeFileSync(
    join(dir, 'alertmanager.yml'),
    `route:\n  receiver: cutover\n  group_by: [alertname]\n  group_wait: 1s\n  group_interval: 1s\n  repeat_interval: ${repeatInterval}\nreceivers:\n  - name: cutover\n    webhook_configs:\n      - url: ${JSON.stringify(webhook)}\n        send_resolved: true\n`,
  );
  return startDaemon(
    ALERTMANAGER,
    [`--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=warn'],
    port,
    '/-/ready',
    dir,
  );
}

/** The value Prometheus has for `query` now, once it has one. */
export async function prometheusHas(url: string, query: string): Promise<void> {
  await waitFor(`Prometheus at ${url} to have ${query}`, async () => {
    const r = (await (await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`)).json()) as { data?: { result?: unknown[] } };
    return (r.data?.result?.length ?? 0) > 0 ? true : undefined;
  });
}

export interface Started {
  readonly child: ChildProcess;
  /** Everything printed so far. */
  readonly out: () => string;
  readonly err: () => string;
  /** Resolves with the exit code. */
  readonly done: Promise<number>;
}

/**
 * The built binary, run without blocking this process: the exporter a test serves from here must
 * keep answering Prometheus while cutover samples (spawnSync would stall it, and the series go stale).
 */
export function cutoverAsync(args: readonly string[], env: Record<string, string> = {}): Started {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: join(tmpdir(), 'cutover-no-home'), ...INHERITED_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => void (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => void (err += d.toString()));
  const done = new Promise<number>((resolve) => child.once('close', (code) => resolve(code ?? -1)));
  return { child, out: () => out, err: () => err, done };
}

/** Run the built binary to its end without blocking this process. */
export async function cutoverRun(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  const started = cutoverAsync(args, env);
  const code = await started.done;
  return { code, stdout: started.out(), stderr: started.err() };
}
