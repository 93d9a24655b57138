/**
 * `cutover evidence analyze` against Debian's Prometheus, scraping an exporter this test serves:
 * a healthy series passes and the soak gate opens once its span is reached; a breaching series
 * fails with its samples named; Prometheus killed while sampling is inconclusive, never a pass.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/domain/events.js';
import { cutover, demoKey, forgeEvent, ledgerOf } from '../support/cli.js';
import { cutoverAsync, cutoverRun, prometheusHas, startExporter, startPrometheus, waitFor, type Daemon, type Exporter } from '../support/monitoring.js';
import { monitoredProgram, PRODUCER } from '../support/monitored-program.js';

const analyze = (dir: string, prometheus: string, query: string, count: number, interval = '1s') => [
  '-C', dir, 'evidence', 'analyze', '--party', 'memorykernel', '--prometheus', prometheus, '--query', query,
  '--success', 'result < 0.01', '--interval', interval, '--count', String(count), '--as', PRODUCER, '--key', demoKey(PRODUCER),
];

const lastEvent = (dir: string) => JSON.parse(ledgerOf(dir).trimEnd().split('\n').at(-1)!) as LedgerEvent;
const soakBlocker = (dir: string) => {
  const gate = cutover(['-C', dir, 'gate', 'soak-check', '--json']);
  return (JSON.parse(gate.stdout) as { blockers: { gate: string; details: string[] }[] }).blockers.find((b) => b.gate === 'soak');
};

let exporter: Exporter;
let prometheus: Daemon;

beforeAll(async () => {
  exporter = await startExporter({ api: 0.001, worker: 0.2 });
  prometheus = await startPrometheus(exporter.target);
  await prometheusHas(prometheus.url, 'error_ratio{service="worker"}');
}, 120_000);

afterAll(async () => {
  await prometheus?.stop();
  await exporter?.close();
});

describe('metric analysis over Prometheus', () => {
  it('passes a healthy series, keeps every sample in a content-addressed file, and the gate opens once the span is reached', async () => {
    const { dir } = monitoredProgram({ span: '4s', max_gap: '1m' });
    const first = await cutoverRun(analyze(dir, prometheus.url, 'error_ratio{service="api"}', 3));
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/sample 1\/3 \S+: ok error_ratio\{.*service="api"\} = 0\.001/);
    expect(first.stdout).toContain('3 of 3 samples, 0 failed (limit 0), 0 without answer; 0s left');
    const event = lastEvent(dir);
    expect(event).toMatchObject({ type: 'evidence.added', data: { kind: 'metric-analysis', result: 'pass', verdict: 'pass', query: 'error_ratio{service="api"}', prometheus: prometheus.url, target: { tag: 'v3.0.0' } } });
    const data = event.data as Extract<LedgerEvent, { type: 'evidence.added' }>['data'] & { kind: 'metric-analysis' };
    expect(data.observed).toMatchObject({ samples: 3, minimum: 0.001, maximum: 0.001, failed: 0, inconclusive: 0, failing: [] });
    const file = readFileSync(join(dir, data.samples.file));
    expect(`sha256:${createHash('sha256').update(file).digest('hex')}`).toBe(data.samples.sha256);
    expect(file.toString().trimEnd().split('\n')).toHaveLength(4);
    expect(cutover(['-C', dir, 'evidence', 'check']).stdout).toContain(`${data.samples.file}  unchanged`);
    // About 2 s of the 4 s span: the gate still blocks, saying how much is measured.
    expect(soakBlocker(dir)?.details.join('\n')).toMatch(/MemoryKernel: metric analysis: \d+s measured of 4s \(seq \d+,/);
    // About 3 s more: the two spans add up to about 5 s. (Two of about 2 s each came to 3.98 s once,
    // on a loaded machine: a span runs from the first sample taken to the last, not as scheduled.)
    const second = await cutoverRun(analyze(dir, prometheus.url, 'error_ratio{service="api"}', 4));
    expect(second.code).toBe(0);
    expect(soakBlocker(dir)?.details.join('\n')).not.toContain('MemoryKernel');
    expect(soakBlocker(dir)?.details.join('\n')).toContain('AssistSupport: no metric analysis for v3.0.0');
    expect(cutover(['-C', dir, 'verify']).code).toBe(0);
  }, 120_000);

  it('fails a query whose series breaches twice, naming those samples; a hand-signed line calling it a pass is refused by verify', async () => {
    const { dir } = monitoredProgram();
    const run = await cutoverRun(analyze(dir, prometheus.url, 'error_ratio', 2));
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/sample 1\/2 \S+: FAIL error_ratio\{.*service="worker"\} = 0\.2/);
    expect(run.stdout).toContain('metric analysis FAILED: 2 of 2 samples');
    const event = lastEvent(dir);
    expect(event.data).toMatchObject({ result: 'fail', verdict: 'fail', observed: { failed: 2, minimum: 0.001, maximum: 0.2 } });
    const failing = (event.data as { observed: { failing: { series: string; value: string }[] } }).observed.failing;
    expect(failing).toHaveLength(2);
    for (const f of failing) expect(f).toMatchObject({ series: expect.stringContaining('service="worker"'), value: '0.2' });
    expect(soakBlocker(dir)?.details.join('\n')).toMatch(/MemoryKernel: the latest metric analysis for v3\.0\.0 @ \w+ did not pass \(seq \d+\): the span starts again/);
    expect(cutover(['-C', dir, 'verify']).code).toBe(0);

    // The same samples, signed as a pass by hand: verify re-decides the verdict from the summary.
    const { type, data } = event;
    forgeEvent(dir, PRODUCER, { type, data: { ...data, result: 'pass', verdict: 'pass' } } as never, new Date(Date.parse(event.at) + 1000).toISOString());
    const verify = cutover(['-C', dir, 'verify']);
    expect(verify.code).toBe(3);
    expect(verify.stdout + verify.stderr).toMatch(/data\.(result|verdict) is "pass", the policy gives "fail"/);
  }, 120_000);

  it('is inconclusive, never a pass, when Prometheus goes down while sampling, and says why', async () => {
    const { dir } = monitoredProgram();
    const doomed = await startPrometheus(exporter.target);
    await prometheusHas(doomed.url, 'error_ratio');
    const started = cutoverAsync(analyze(dir, doomed.url, 'error_ratio{service="api"}', 4, '2s'));
    await waitFor('the first sample', () => (started.out().includes('sample 1/4') ? true : undefined));
    await doomed.stop();
    const code = await started.done;
    expect(code).toBe(1);
    expect(started.out()).toMatch(/sample \d\/4 \S+: NO ANSWER \(Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer: ECONNREFUSED\)/);
    expect(started.out()).toMatch(/metric analysis INCONCLUSIVE: \d of 4 samples over [\d.]+ s had no answer .*; not a pass/);
    expect(lastEvent(dir).data).toMatchObject({ result: 'fail', verdict: 'inconclusive' });
    expect(soakBlocker(dir)?.details.join('\n')).toContain('did not pass');
  }, 120_000);

  it('refuses a condition it cannot parse before taking any sample, and records nothing', async () => {
    const { dir } = monitoredProgram();
    const before = ledgerOf(dir);
    const run = await cutoverRun([...analyze(dir, prometheus.url, 'error_ratio', 2).slice(0, 12), '--success', 'process.exit(1)', '--count', '2', '--as', PRODUCER, '--key', demoKey(PRODUCER)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--success: expected .*found/);
    expect(run.stdout).not.toContain('sample 1');
    expect(ledgerOf(dir)).toBe(before);
  }, 60_000);
});
