/** `incident notice`: the notice of one incident, as markdown or as its versioned JSON. */
import { findIncident, incidentNotice as buildNotice } from '../../app/incident-notice.js';
import { evaluate } from '../../domain/evaluate.js';
import { UnknownNameError } from '../../errors.js';
import { renderIncidentNotice } from '../../render/incident-notice.js';
import { EXIT, type CliIo } from '../io.js';
import type { IncidentNoticeOptions } from '../options.js';
import { parseTime } from '../parse.js';
import { openDefined } from './context.js';

export async function incidentNotice(o: IncidentNoticeOptions, io: CliIo): Promise<number> {
  const now = o.at === undefined ? io.now() : new Date(parseTime('--at', o.at));
  const ws = await openDefined(o.dir, io);
  const ev = evaluate(ws.state, now);
  const incident = findIncident(ev, o.id);
  if (incident === undefined) throw new UnknownNameError('incident', o.id, [...ev.openIncidents, ...ev.closedIncidents].map((i) => i.id));
  const notice = buildNotice(ev, ws.state.definition!, incident, now);
  io.stdout(o.json ? JSON.stringify(notice, null, 2) + '\n' : renderIncidentNotice(notice));
  return EXIT.ok;
}
