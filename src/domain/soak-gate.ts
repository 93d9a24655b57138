/**
 * The metric-analysis gate: each party's passing analyses, for the current target, span at least
 * the gate's `span`. Parts are summed across gaps up to `max_gap`; a failing part starts the span
 * again (the latest evidence wins). So a stabilization window is measured, not asserted. Pure.
 */
import { durationMs, formatDuration } from '../program/duration.js';
import type { GateDefinition, ProgramDefinition } from '../program/schema.js';
import { soakSpan, type SoakSpan } from './metric-analysis.js';
import { describeTarget, repinKey, type ProgramState } from './state.js';
import type { TargetRef } from './events.js';

export type MetricGate = Extract<GateDefinition, { kind: 'metric-analysis' }>;

export interface SoakStanding {
  readonly met: boolean;
  readonly status: 'met' | 'missing' | 'failed';
  /** In words: how long is measured of how long, from which parts, or what stopped it. */
  readonly detail: string;
  /** The latest part counted (or the failing one). */
  readonly seq: number | null;
  readonly span: SoakSpan;
}

/** The parties whose analyses the gate requires. */
export function partiesOfSoak(gate: MetricGate, def: ProgramDefinition): string[] {
  const which = gate.parties ?? 'all';
  return def.parties.filter((p) => which === 'all' || (which === 'consumers' ? p.kind === 'consumer' : p.kind === 'producer')).map((p) => p.id);
}

export function soakStanding(state: ProgramState, gate: MetricGate, party: string, current: TargetRef | null): SoakStanding {
  const needed = durationMs(gate.span);
  const parts = current === null ? [] : (state.metricAnalyses[repinKey(party, current)] ?? []).filter((p) => gate.query === undefined || p.query === gate.query);
  const span = soakSpan(parts, gate.max_gap === undefined ? null : durationMs(gate.max_gap));
  const query = gate.query === undefined ? '' : ` of ${gate.query}`;
  if (current === null) return { met: false, status: 'missing', detail: 'no metric analysis can count yet: no target has been published', seq: null, span };
  if (span.failedBy !== null) {
    return { met: false, status: 'failed', detail: `the latest metric analysis${query} for ${describeTarget(current)} did not pass (seq ${span.failedBy.seq}): the span starts again`, seq: span.failedBy.seq, span };
  }
  if (span.parts.length === 0) return { met: false, status: 'missing', detail: `no metric analysis${query} for ${describeTarget(current)}`, seq: null, span };
  const seqs = span.parts.map((p) => p.seq).join(', ');
  const measured = `${formatSpan(span.spanMs)} measured of ${gate.span} (seq ${seqs}, ${span.parts[0]!.startedAt} to ${span.parts[span.parts.length - 1]!.endedAt})`;
  const last = span.parts[span.parts.length - 1]!.seq;
  if (span.spanMs >= needed) return { met: true, status: 'met', detail: measured, seq: last, span };
  const gap = span.brokenBy === null ? '' : `; a gap of ${formatSpan(span.brokenBy.gapMs)} after seq ${span.brokenBy.after.seq} exceeds max_gap ${gate.max_gap}`;
  return { met: false, status: 'missing', detail: `metric analysis${query}: ${measured}; ${formatSpan(Math.ceil((needed - span.spanMs) / 1000) * 1000)} to go${gap}`, seq: last, span };
}

function formatSpan(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  return days > 0 ? `${days}d ${formatDuration(ms - days * 86_400_000)}` : formatDuration(ms);
}
