/**
 * A metric analysis collected for `cutover evidence analyze`: what can be refused is refused before
 * the first sample (the party, the role, the target, the condition, the schedule), the collector
 * samples Prometheus, every sample goes to a content-addressed file in the program folder, and the
 * domain judges them when the command is decided.
 */
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { authorize } from '../domain/authority.js';
import type { EventDraft } from '../domain/events.js';
import type { AnalysisAsk, Sample } from '../domain/metric-analysis.js';
import { noTargetError } from '../domain/run-checkout.js';
import { evidenceTarget } from '../domain/state.js';
import { parseCondition } from '../domain/success-condition.js';
import { invalidInput, UnknownNameError } from '../errors.js';
import { sampleQuery, samplesDocument } from '../evidence/prometheus.js';
import { parseDuration } from '../program/duration.js';
import type { CommandBody } from './evidence-collection.js';
import type { Workspace } from './workspace.js';

/** Where the samples of each analysis are kept, inside the program folder, named by their sha256. */
export const SAMPLES_FOLDER = 'evidence/metric-analysis';

export interface AnalyzeAsk extends AnalysisAsk {
  readonly party: string;
  readonly as: string;
  readonly summary?: string;
}

export interface AnalyzeIo {
  readonly now: () => Date;
  readonly onSample: (sample: Sample, index: number) => void;
}

export async function analysisToRecord(ws: Workspace, io: AnalyzeIo, ask: AnalyzeAsk): Promise<CommandBody> {
  const def = ws.state.definition!;
  const party = def.parties.find((p) => p.id === ask.party);
  if (party === undefined) throw new UnknownNameError('party', ask.party, def.parties.map((p) => p.id));
  // Refused now rather than after a soak of days: who may record it, what it is against, what it judges.
  const denied = authorize(def, { type: 'evidence.added', actor: ask.as, data: { party: party.id } } as EventDraft);
  if (denied !== null) throw denied;
  const target = evidenceTarget(ws.state);
  if (target === null) throw noTargetError();
  const condition = parseCondition(ask.success, '--success');
  if (!('op' in condition)) throw condition;
  const intervalMs = parseDuration(ask.interval);
  if (intervalMs === null || intervalMs < 1000) throw invalidInput({ source: '--interval', field: '', expected: 'a duration of at least 1s, e.g. 1m or 30s', found: JSON.stringify(ask.interval) });
  let url: URL | null = null;
  try {
    url = new URL(ask.prometheus);
  } catch {
    url = null;
  }
  if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw invalidInput({ source: '--prometheus', field: '', expected: 'the http(s) URL of a Prometheus server, e.g. http://127.0.0.1:9090', found: JSON.stringify(ask.prometheus) });
  }
  const samples = await sampleQuery({ prometheus: ask.prometheus, query: ask.query, intervalMs, count: ask.count, now: io.now, onSample: io.onSample });
  const document = samplesDocument({ prometheus: ask.prometheus, query: ask.query, success: ask.success, interval: ask.interval, count: ask.count }, samples);
  const hex = createHash('sha256').update(document).digest('hex');
  const file = `${SAMPLES_FOLDER}/${hex}.jsonl`;
  await mkdir(join(ws.dir, SAMPLES_FOLDER), { recursive: true });
  await writeFile(join(ws.dir, file), document);
  const { prometheus, query, success, interval, count, failureLimit } = ask;
  return {
    type: 'add-evidence',
    party: party.id,
    ...(ask.summary === undefined ? {} : { summary: ask.summary }),
    evidence: {
      kind: 'metric-analysis',
      ask: { prometheus, query, success, interval, count, failureLimit },
      artifact: { file, sha256: `sha256:${hex}`, bytes: Buffer.byteLength(document) },
      samples,
      takenFor: { tag: target.tag, sha: target.sha },
    },
  };
}
