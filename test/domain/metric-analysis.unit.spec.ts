/** Metric analysis judged: every series of every sample, the failure limit, no pass without answers, and the soak span. */
import { describe, expect, it } from 'vitest';
import { judgeAnalysis, observe, soakSpan, verdictOf, type AnalysisPart, type Sample } from '../../src/domain/metric-analysis.js';
import { parseCondition, type Expr } from '../../src/domain/success-condition.js';

const cond = parseCondition('result < 0.01') as Expr;
const t = (s: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, s)).toISOString();
const one = (s: number, value: number, service = 'api'): Sample => ({ at: t(s), series: [{ labels: { __name__: 'error_ratio', service }, value }] });
const ask = { prometheus: 'http://127.0.0.1:9090', query: 'error_ratio', success: 'result < 0.01', interval: '1s', count: 4, failureLimit: 0 };
const artifact = { file: 'evidence/samples/x.json', sha256: `sha256:${'0'.repeat(64)}`, bytes: 10 };

describe('a metric analysis', () => {
  it('passes a healthy series, with its count, span, minimum and maximum', () => {
    const o = observe([one(0, 0.001), one(1, 0.002), one(2, 0.0), one(3, 0.009)], cond);
    expect(o).toMatchObject({ samples: 4, spanSeconds: 3, minimum: 0, maximum: 0.009, failed: 0, inconclusive: 0, failing: [] });
    expect(verdictOf(o, ask)).toBe('pass');
  });

  it('fails a series that breaches twice, naming those samples, and passes them under a failure limit of 2', () => {
    const o = observe([one(0, 0.001), one(1, 0.2), one(2, 0.0), one(3, 0.5)], cond);
    expect(o.failing).toEqual([
      { at: t(1), series: 'error_ratio{service="api"}', value: '0.2' },
      { at: t(3), series: 'error_ratio{service="api"}', value: '0.5' },
    ]);
    expect(verdictOf(o, ask)).toBe('fail');
    expect(verdictOf(o, { ...ask, failureLimit: 1 })).toBe('fail');
    expect(verdictOf(o, { ...ask, failureLimit: 2 })).toBe('pass');
  });

  it('fails a sample when any one of its series breaks the condition', () => {
    const sample: Sample = { at: t(0), series: [{ labels: { service: 'a' }, value: 0 }, { labels: { service: 'b' }, value: 0.3 }] };
    const o = observe([sample], cond);
    expect(o.failing).toEqual([{ at: t(0), series: '{service="b"}', value: '0.3' }]);
    expect(verdictOf(o, { ...ask, count: 1 })).toBe('fail');
  });

  it('is inconclusive, never a pass, when Prometheus did not answer, returned no series, or samples are missing', () => {
    const down = observe([one(0, 0), { at: t(1), error: 'connect ECONNREFUSED 127.0.0.1:9090' }, one(2, 0), one(3, 0)], cond);
    expect(down).toMatchObject({ inconclusive: 1, firstProblem: `${t(1)}: connect ECONNREFUSED 127.0.0.1:9090` });
    expect(verdictOf(down, ask)).toBe('inconclusive');
    expect(verdictOf(observe([{ at: t(0), series: [] }, one(1, 0), one(2, 0), one(3, 0)], cond), ask)).toBe('inconclusive');
    expect(verdictOf(observe([one(0, 0), one(1, 0)], cond), ask)).toBe('inconclusive');
  });

  it('refuses a summary its samples cannot give: a span beyond the schedule, a last sample after the record', () => {
    const observed = observe([one(0, 0), one(1, 0), one(2, 0), one(3, 0)], cond);
    expect(judgeAnalysis({ kind: 'metric-analysis', ask, artifact, recorded: { observed, verdict: 'pass' } }, t(10))).toMatchObject({ verdict: 'pass' });
    const stretched = { ...observed, endedAt: t(3600), spanSeconds: 3600 };
    expect(judgeAnalysis({ kind: 'metric-analysis', ask, artifact, recorded: { observed: stretched, verdict: 'pass' } }, t(4000))).toEqual({ problems: ['4 samples every 1s cannot span 3600 s'] });
    expect(judgeAnalysis({ kind: 'metric-analysis', ask, artifact, recorded: { observed, verdict: 'pass' } }, t(2))).toMatchObject({ problems: [expect.stringContaining('after the evidence is recorded')] });
    expect(judgeAnalysis({ kind: 'metric-analysis', ask: { ...ask, success: 'result' }, artifact, recorded: { observed, verdict: 'pass' } }, t(10))).toMatchObject({
      problems: [expect.stringContaining('success: expected the condition to be true or false')],
    });
  });
});

const part = (seq: number, from: number, to: number, passed = true): AnalysisPart => ({ seq, query: 'q', passed, startedAt: t(from), endedAt: t(to) });

describe('the span of a soak', () => {
  it('sums parts whose gaps are within max_gap, and stops at a longer gap', () => {
    const parts = [part(1, 0, 100), part(2, 300, 400), part(3, 405, 500)];
    expect(soakSpan(parts, 10_000)).toMatchObject({ spanMs: 195_000, brokenBy: { gapMs: 200_000 } });
    expect(soakSpan(parts, 200_000).spanMs).toBe(295_000);
    expect(soakSpan(parts, 200_000).parts.map((p) => p.seq)).toEqual([1, 2, 3]);
  });

  it('counts only the latest part without max_gap', () => {
    expect(soakSpan([part(1, 0, 100), part(2, 100, 150)], null).spanMs).toBe(50_000);
  });

  it('starts again after a failing part, and is nothing while the latest part fails', () => {
    expect(soakSpan([part(1, 0, 100), part(2, 100, 150, false), part(3, 150, 170)], 60_000)).toMatchObject({ spanMs: 20_000 });
    expect(soakSpan([part(1, 0, 100), part(2, 100, 150, false)], 60_000)).toMatchObject({ spanMs: 0, failedBy: { seq: 2 } });
  });

  it('counts overlapping parts once', () => {
    expect(soakSpan([part(1, 0, 100), part(2, 50, 150)], 0).spanMs).toBe(150_000);
  });
});
