// Start-up of every read command on the 7-event example against `node -e 0`.
// Each round runs `node -e 0` and then every command once, so a busy moment on a shared machine
// touches all of them alike; after one warm-up round, the median of each is taken.
// `node bench/startup.js` runs it alone (STARTUP_RUNS=N for another count); bench/run.js imports it.
// STARTUP_BEFORE=<another built checkout> times that build's commands in the same rounds (STARTUP_BEFORE_ALL=1:
// every one, else `status` and `verify`), so a change is compared with the build before it on the machine
// as it is at that moment.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(ROOT, 'bin', 'cutover.js');
const EXAMPLE = join(ROOT, 'examples', 'memorykernel-service-v3');
const NODE = process.execPath;

/** The commands timed (each exits 0 on the example); `read` marks the read commands the aim is set for. */
export const STARTUP_COMMANDS = [
  { name: 'status', args: ['status'], read: true },
  { name: 'status --json', args: ['status', '--json'], read: true },
  { name: 'gate', args: ['gate', 'rehearsal-continuation'], read: true },
  { name: 'render', args: ['render', '--record', 'producer-decision-record'], read: true },
  { name: 'log', args: ['log'], read: true },
  { name: 'log --json', args: ['log', '--json'], read: true },
  { name: 'verify', args: ['verify'], read: true },
  { name: '--version', args: ['--version'], read: false },
];

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function timedRun(args, label) {
  const start = performance.now();
  const r = spawnSync(NODE, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (r.error) throw new Error(`${label}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${label}: exit ${r.status ?? r.signal}\n${r.stderr?.toString() ?? ''}`);
  return ms;
}

/**
 * Time `node -e 0` and every read command `runs` times, interleaved, after one warm-up round.
 * Returns { nodeMs, nodeRunsMs, commands: [{ name, read, ms, ratio, runsMs }] }.
 */
export function measureStartup(runs = 20, before = undefined, beforeAll = false) {
  const nodeArgs = ['-e', '0'];
  const commands = [
    ...STARTUP_COMMANDS.map((c) => ({ ...c, argv: [CLI, '-C', EXAMPLE, ...c.args] })),
    ...(before === undefined
      ? []
      : STARTUP_COMMANDS.filter((c) => beforeAll || c.name === 'status' || c.name === 'verify').map((c) => ({
          name: `before: ${c.name}`,
          args: c.args,
          read: false,
          argv: [join(before, 'bin', 'cutover.js'), '-C', join(before, 'examples', 'memorykernel-service-v3'), ...c.args],
        }))),
  ];
  const round = (samples) => {
    samples.node.push(timedRun(nodeArgs, 'node -e 0'));
    commands.forEach((c) => samples[c.name].push(timedRun(c.argv, `cutover ${c.name}`)));
  };
  const fresh = () => Object.fromEntries([['node', []], ...commands.map((c) => [c.name, []])]);
  round(fresh());
  const samples = fresh();
  for (let i = 0; i < runs; i++) round(samples);
  const nodeMs = median(samples.node);
  return {
    nodeMs,
    nodeRunsMs: samples.node,
    commands: commands.map((c) => {
      const ms = median(samples[c.name]);
      return { name: c.name, read: c.read, ms, ratio: ms / nodeMs, runsMs: samples[c.name] };
    }),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.env.STARTUP_RUNS ?? 20);
  const before = process.env.STARTUP_BEFORE === undefined ? undefined : resolve(process.env.STARTUP_BEFORE);
  const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
  const loadBefore = load();
  const result = measureStartup(runs, before, process.env.STARTUP_BEFORE_ALL === '1');
  const AIM = 1.6; // issue 30's aim
  console.log(`start-up on the example, medians of ${runs} interleaved runs (node ${process.version}); aim for read commands ≤ ${AIM}×`);
  // The machine's load says how far to trust the times: the ratios hold better than the times do.
  console.log(`load average (1, 5, 15 min): ${loadBefore} before, ${load()} after`);
  console.log(`${'node -e 0'.padEnd(24)}${result.nodeMs.toFixed(1).padStart(7)} ms`);
  for (const c of result.commands) {
    const aim = c.name.startsWith('before: ') ? `the build in ${before}` : c.read ? (c.ratio <= AIM ? 'met' : 'MISSED') : 'not budgeted';
    console.log(`${c.name.padEnd(24)}${c.ms.toFixed(1).padStart(7)} ms  ${c.ratio.toFixed(2)}×  ${aim}`);
  }
}
