/**
 * Metric analysis: samples of a Prometheus query judged against a success condition, and the span
 * a soak has been measured over. The collector (src/evidence/prometheus.ts) only reports what
 * Prometheus answered; the verdict, the summary and the span a gate counts are decided here. Pure.
 */
import { parseDuration } from '../program/duration.js';
import type { TargetRef } from './events.js';
import { holds, parseCondition, type Expr } from './success-condition.js';

/** One series of one sample: its labels and its value (NaN when Prometheus said so). */
export interface SeriesValue {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One sample as taken: the series Prometheus returned, or why there is no answer. */
export type Sample =
  | { readonly at: string; readonly series: readonly SeriesValue[] }
  | { readonly at: string; readonly error: string };

export type AnalysisVerdict = 'pass' | 'fail' | 'inconclusive';

/** A sample that broke the condition, named in the event: when, which series, what value. */
export interface FailingSample {
  readonly at: string;
  readonly series: string;
  readonly value: string;
}

/** What the event says of the samples (all of them are in the artifact). */
export interface AnalysisObserved {
  /** Samples taken. */
  readonly samples: number;
  readonly startedAt: string;
  readonly endedAt: string;
  readonly spanSeconds: number;
  /** The smallest and largest value of any series, null when no sample had a number. */
  readonly minimum: number | null;
  readonly maximum: number | null;
  /** Samples in which at least one series broke the condition. */
  readonly failed: number;
  /** Samples with no answer: Prometheus unreachable or refusing, or no series at all. */
  readonly inconclusive: number;
  /** The first failing series of each failed sample, at most MAX_NAMED_FAILURES of them. */
  readonly failing: readonly FailingSample[];
  /** Why the first inconclusive sample had no answer. */
  readonly firstProblem: string | null;
}

export const MAX_NAMED_FAILURES = 20;

/** How a series is named: its labels in Prometheus' own notation. */
export function seriesName(labels: Readonly<Record<string, string>>): string {
  const name = labels.__name__ ?? '';
  const rest = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return rest.length === 0 && name !== '' ? name : `${name}{${rest.join(', ')}}`;
}

function show(value: number): string {
  return Number.isNaN(value) ? 'NaN' : String(value);
}

/** Summarise samples: a sample fails when any of its series breaks the condition; one without series has no answer. */
export function observe(samples: readonly Sample[], condition: Expr): AnalysisObserved {
  let minimum: number | null = null;
  let maximum: number | null = null;
  let failed = 0;
  let inconclusive = 0;
  let firstProblem: string | null = null;
  const failing: FailingSample[] = [];
  for (const sample of samples) {
    if ('error' in sample || sample.series.length === 0) {
      inconclusive++;
      firstProblem ??= 'error' in sample ? `${sample.at}: ${sample.error}` : `${sample.at}: the query returned no series`;
      continue;
    }
    let broken: SeriesValue | undefined;
    for (const s of sample.series) {
      if (!Number.isNaN(s.value)) {
        minimum = minimum === null ? s.value : Math.min(minimum, s.value);
        maximum = maximum === null ? s.value : Math.max(maximum, s.value);
      }
      if (broken === undefined && !holds(condition, s.value)) broken = s;
    }
    if (broken === undefined) continue;
    failed++;
    if (failing.length < MAX_NAMED_FAILURES) failing.push({ at: sample.at, series: seriesName(broken.labels), value: show(broken.value) });
  }
  const startedAt = samples[0]?.at ?? '';
  const endedAt = samples[samples.length - 1]?.at ?? '';
  return {
    samples: samples.length,
    startedAt,
    endedAt,
    spanSeconds: samples.length === 0 ? 0 : (Date.parse(endedAt) - Date.parse(startedAt)) / 1000,
    minimum,
    maximum,
    failed,
    inconclusive,
    failing,
    firstProblem,
  };
}

/**
 * The verdict: never a pass without an answer for every sample asked for; a fail once more samples
 * broke the condition than the failure limit allows (Argo Rollouts' failureLimit); else a pass.
 */
export function verdictOf(observed: Pick<AnalysisObserved, 'samples' | 'failed' | 'inconclusive'>, asked: { readonly count: number; readonly failureLimit: number }): AnalysisVerdict {
  if (observed.failed > asked.failureLimit) return 'fail';
  if (observed.inconclusive > 0 || observed.samples < asked.count) return 'inconclusive';
  return 'pass';
}

/** Why a verdict is what it is, in a sentence for the evidence's summary. */
export function verdictText(verdict: AnalysisVerdict, observed: AnalysisObserved, asked: { readonly count: number; readonly failureLimit: number; readonly success: string }): string {
  const span = `${observed.samples} sample${observed.samples === 1 ? '' : 's'} over ${observed.spanSeconds} s`;
  switch (verdict) {
    case 'pass':
      return `metric analysis passed: ${span}, every series met ${asked.success}${observed.failed > 0 ? ` except in ${observed.failed} (failure limit ${asked.failureLimit})` : ''}`;
    case 'fail':
      return `metric analysis FAILED: ${observed.failed} of ${span} broke ${asked.success} (failure limit ${asked.failureLimit}), first at ${observed.failing[0]?.at ?? '?'}`;
    case 'inconclusive':
      return observed.inconclusive > 0
        ? `metric analysis INCONCLUSIVE: ${observed.inconclusive} of ${span} had no answer (${observed.firstProblem ?? 'no series'}); not a pass`
        : `metric analysis INCONCLUSIVE: ${observed.samples} of ${asked.count} samples taken; not a pass`;
  }
}

/** One recorded analysis of a party for a target, as a gate sums them. */
export interface AnalysisPart {
  readonly seq: number;
  readonly query: string;
  readonly passed: boolean;
  readonly startedAt: string;
  readonly endedAt: string;
}

export interface SoakSpan {
  /** Milliseconds measured: the passing parts' spans, overlaps counted once, gaps not at all. */
  readonly spanMs: number;
  /** The parts summed, oldest first. */
  readonly parts: readonly AnalysisPart[];
  /** The latest failing part, when it ends the span (the latest evidence wins). */
  readonly failedBy: AnalysisPart | null;
  /** The gap that stopped the sum going further back, when one did. */
  readonly brokenBy: { readonly after: AnalysisPart; readonly before: AnalysisPart; readonly gapMs: number } | null;
}

/**
 * The span measured by a party's analyses, walking back from the latest: a failing (or
 * inconclusive) part starts the span again, and parts are summed only while the gap between one
 * and the next is at most `maxGapMs` (null: parts are not summed, the latest must span alone).
 */
export function soakSpan(parts: readonly AnalysisPart[], maxGapMs: number | null): SoakSpan {
  const ordered = [...parts].sort((a, b) => a.seq - b.seq);
  const latest = ordered[ordered.length - 1];
  if (latest === undefined) return { spanMs: 0, parts: [], failedBy: null, brokenBy: null };
  if (!latest.passed) return { spanMs: 0, parts: [], failedBy: latest, brokenBy: null };
  const chain: AnalysisPart[] = [latest];
  let brokenBy: SoakSpan['brokenBy'] = null;
  for (let i = ordered.length - 2; i >= 0 && maxGapMs !== null; i--) {
    const part = ordered[i]!;
    const next = chain[0]!;
    if (!part.passed) break;
    const gapMs = Date.parse(next.startedAt) - Date.parse(part.endedAt);
    if (gapMs > maxGapMs) {
      brokenBy = { after: part, before: next, gapMs };
      break;
    }
    chain.unshift(part);
  }
  let spanMs = 0;
  let coveredTo = -Infinity;
  for (const part of [...chain].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt))) {
    const start = Math.max(Date.parse(part.startedAt), coveredTo);
    const end = Date.parse(part.endedAt);
    if (end > start) spanMs += end - start;
    coveredTo = Math.max(coveredTo, end);
  }
  return { spanMs, parts: chain, failedBy: null, brokenBy };
}

/** What was asked of an analysis: the query, where, the condition, the schedule. */
export interface AnalysisAsk {
  readonly prometheus: string;
  readonly query: string;
  readonly success: string;
  readonly interval: string;
  readonly count: number;
  readonly failureLimit: number;
}

/**
 * An analysis as collected (`samples`: every sample, judged here) or as a ledger line states it
 * (`recorded`: the summary and verdict, held to the rules below; the samples are in the artifact).
 */
export type AnalysisInput = {
  readonly kind: 'metric-analysis';
  readonly ask: AnalysisAsk;
  readonly artifact: { readonly file: string; readonly sha256: string; readonly bytes: number };
} & (
  | { readonly samples: readonly Sample[]; /** The target when sampling began: a target changed meanwhile refuses the record. */ readonly takenFor?: TargetRef }
  | { readonly recorded: { readonly observed: AnalysisObserved; readonly verdict: AnalysisVerdict } }
);

/** The event's analysis fields, or why the analysis cannot be recorded. */
export function judgeAnalysis(input: AnalysisInput, at: string): { readonly observed: AnalysisObserved; readonly verdict: AnalysisVerdict } | { readonly problems: readonly string[] } {
  const condition = parseCondition(input.ask.success, 'success');
  if (!('op' in condition)) return { problems: [condition.message] };
  const intervalMs = parseDuration(input.ask.interval);
  if (intervalMs === null || intervalMs === 0) return { problems: [`the interval ${JSON.stringify(input.ask.interval)} is not a duration of at least 1s (e.g. 1m)`] };
  const observed = 'samples' in input ? observe(input.samples, condition) : input.recorded.observed;
  const problems = observedProblems(observed, intervalMs, input.ask, at);
  if (problems.length > 0) return { problems };
  return { observed, verdict: verdictOf(observed, input.ask) };
}

/** What a summary cannot say and be true: samples beyond those asked, a span the schedule does not allow, a time to come. */
function observedProblems(o: AnalysisObserved, intervalMs: number, ask: AnalysisAsk, at: string): string[] {
  const problems: string[] = [];
  if (o.samples === 0) return ['no sample was taken'];
  if (o.samples > ask.count) problems.push(`${o.samples} samples, more than the ${ask.count} asked for`);
  if (o.failed + o.inconclusive > o.samples) problems.push(`${o.failed} failed and ${o.inconclusive} inconclusive samples, more than the ${o.samples} taken`);
  if (o.failing.length !== Math.min(o.failed, MAX_NAMED_FAILURES)) problems.push(`${o.failing.length} failing samples named for ${o.failed} failed (each failed sample is named, up to ${MAX_NAMED_FAILURES})`);
  const start = Date.parse(o.startedAt);
  const end = Date.parse(o.endedAt);
  if (!(start <= end)) problems.push(`the samples end (${o.endedAt}) before they start (${o.startedAt})`);
  if (end > Date.parse(at)) problems.push(`the last sample (${o.endedAt}) is after the evidence is recorded (${at})`);
  if (o.spanSeconds !== (end - start) / 1000) problems.push(`spanSeconds ${o.spanSeconds} is not the time from the first sample to the last (${(end - start) / 1000})`);
  // Samples are taken on a fixed schedule: n samples span less than n intervals, so a span cannot be claimed with fewer samples.
  if (end - start > o.samples * intervalMs) problems.push(`${o.samples} samples every ${ask.interval} cannot span ${o.spanSeconds} s`);
  if (o.minimum !== null && o.maximum !== null && o.minimum > o.maximum) problems.push(`the minimum ${o.minimum} is above the maximum ${o.maximum}`);
  return problems;
}
