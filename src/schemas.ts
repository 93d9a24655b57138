/** The formats Cutover publishes, each from its one TypeBox source. */
import { IncidentNotice } from './app/incident-notice.js';
import { ProgramList } from './app/program-list-schema.js';
import { StatusReport } from './app/status-schema.js';
import { LedgerBundle } from './app/sync.js';
import { RecordModel } from './render/model-schema.js';
import { EventData, LedgerLine } from './domain/events.js';
import { HandoffPayload } from './domain/handoff-schema.js';
import { ProgramDefinition } from './program/schema.js';
import { HeadEvent } from './server/heads-stream.js';

export function schemaFiles(): Record<string, unknown> {
  return {
    'cutover.schema.json': ProgramDefinition,
    'ledger-line.schema.json': { ...LedgerLine, eventData: EventData },
    'status.schema.json': StatusReport,
    'handoff-payload.schema.json': HandoffPayload,
    'ledger-bundle.schema.json': LedgerBundle,
    'record-model.schema.json': RecordModel,
    'incident-notice.schema.json': IncidentNotice,
    'head-event.schema.json': HeadEvent,
    'program-list.schema.json': ProgramList,
  };
}
