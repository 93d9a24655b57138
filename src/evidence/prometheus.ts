/**
 * The Prometheus collector: instant queries over the HTTP API (`/api/v1/query`), taken on a fixed
 * schedule. It reports what Prometheus answered, or why it did not; judging the samples is the
 * domain's (src/domain/metric-analysis.ts).
 */
import type { Sample } from '../domain/metric-analysis.js';

/** An instant query at `at`; a refusal, a timeout or an unreachable server is reported as the sample's error. */
export async function queryOnce(base: string, query: string, at: Date, timeoutMs: number): Promise<Sample> {
  const iso = at.toISOString();
  const url = new URL('api/v1/query', base.endsWith('/') ? base : `${base}/`);
  url.searchParams.set('query', query);
  url.searchParams.set('time', (at.getTime() / 1000).toFixed(3));
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (e as Error).message;
    return { at: iso, error: `Prometheus at ${base} did not answer: ${why}` };
  }
  let body: { status?: string; error?: string; data?: { resultType?: string; result?: unknown } };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    return { at: iso, error: `Prometheus at ${base} answered HTTP ${response.status} with no JSON` };
  }
  if (body.status !== 'success' || body.data === undefined) return { at: iso, error: `Prometheus refused the query (HTTP ${response.status}): ${body.error ?? 'no data'}` };
  const { resultType, result } = body.data;
  if (resultType === 'scalar' && Array.isArray(result)) return { at: iso, series: [{ labels: {}, value: Number(result[1]) }] };
  if (resultType === 'vector' && Array.isArray(result)) {
    return {
      at: iso,
      series: (result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({ labels: r.metric, value: Number(r.value[1]) })),
    };
  }
  return { at: iso, error: `the query returned a ${resultType ?? 'result'} where an instant vector or a scalar was expected` };
}

export interface SamplingPlan {
  readonly prometheus: string;
  readonly query: string;
  readonly intervalMs: number;
  readonly count: number;
  readonly now: () => Date;
  /** Called with each sample as it is taken (its index from 0). */
  readonly onSample: (sample: Sample, index: number) => void;
}

/**
 * `count` samples, the first now and one every interval after it, on a fixed schedule (a slow answer
 * does not push later samples back), so n samples span (n - 1) intervals.
 */
export async function sampleQuery(plan: SamplingPlan): Promise<Sample[]> {
  const samples: Sample[] = [];
  const start = plan.now().getTime();
  const timeoutMs = Math.max(1000, Math.min(plan.intervalMs, 30_000));
  for (let i = 0; i < plan.count; i++) {
    const due = start + i * plan.intervalMs;
    const wait = due - plan.now().getTime();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sample = await queryOnce(plan.prometheus, plan.query, plan.now(), timeoutMs);
    samples.push(sample);
    plan.onSample(sample, i);
  }
  return samples;
}

/** The samples as stored in the artifact: values as Prometheus writes them (NaN and Inf stay readable). */
export function samplesDocument(header: Record<string, unknown>, samples: readonly Sample[]): string {
  const lines = samples.map((s) =>
    JSON.stringify('error' in s ? s : { at: s.at, series: s.series.map((x) => ({ labels: x.labels, value: String(x.value) })) }),
  );
  return `${JSON.stringify({ version: 1, ...header })}\n${lines.join('\n')}\n`;
}
