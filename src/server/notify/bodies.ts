/**
 * The bodies a sink receives, one per format: a CloudEvents 1.0 structured envelope (the
 * `cloudevents` package; CDEvents types carry a CDEvent as data), a Slack incoming-webhook message in
 * Block Kit, or a PagerDuty Events API v2 event (trigger and resolve keyed by the incident, a change
 * event on a promotion). A format that has nothing to say about a notification gives null.
 */
import { CloudEvent, HTTP } from 'cloudevents';
import { NOTIFICATION_TYPES as T, type Notification } from '../../domain/notifications.js';
import type { Owed } from '../../domain/now.js';

export type SinkFormat = 'cloudevents' | 'slack' | 'pagerduty';

/** What is posted: where (the sink's URL, or PagerDuty's change-event endpoint), the body, and its content type. */
export interface Body {
  readonly text: string;
  readonly contentType: string;
  /** Post here instead of the sink's URL (a PagerDuty change event). */
  readonly url?: string;
}

export interface BodyContext {
  /** Where people reach this server's dashboard (links), when known. */
  readonly publicUrl?: string;
  /** PagerDuty: the integration's routing key. */
  readonly routingKey?: string;
  /** PagerDuty: where change events go (default: the sink's URL with /v2/enqueue → /v2/change/enqueue). */
  readonly changeUrl?: string;
  readonly sinkUrl: string;
}

/** The CDEvents spec version the `dev.cdevents.*` data follows. */
const CDEVENTS_SPEC = '0.4.1';

export function bodyOf(format: SinkFormat, n: Notification, context: BodyContext): Body | null {
  switch (format) {
    case 'cloudevents':
      return cloudEventBody(n, context);
    case 'slack':
      return { text: JSON.stringify(slackMessage(n, context)), contentType: 'application/json' };
    case 'pagerduty':
      return pagerDutyBody(n, context);
  }
}

function programLink(n: Notification, context: Pick<BodyContext, 'publicUrl'>): string | null {
  return context.publicUrl === undefined ? null : `${context.publicUrl.replace(/\/+$/, '')}/programs/${encodeURIComponent(n.program)}`;
}

function sourceOf(n: Notification, context: Pick<BodyContext, 'publicUrl'>): string {
  return programLink(n, context) ?? `/programs/${encodeURIComponent(n.program)}`;
}

export function cloudEventBody(n: Notification, context: Pick<BodyContext, 'publicUrl'>): Body {
  const event = new CloudEvent({
    specversion: '1.0',
    id: n.id,
    type: n.type,
    source: sourceOf(n, context),
    subject: n.subject,
    time: n.time,
    datacontenttype: 'application/json',
    data: n.type.startsWith('dev.cdevents.') ? cdEventOf(n, context) : cutoverData(n, context),
  });
  const message = HTTP.structured(event);
  return { text: message.body as string, contentType: String(message.headers['content-type']) };
}

/** Cutover's own data: what happened, who must act, and how to clear it. */
function cutoverData(n: Notification, context: Pick<BodyContext, 'publicUrl'>): Record<string, unknown> {
  return { program: n.program, seq: n.seq, subject: n.subject, summary: n.summary, owedBy: n.owedBy, commands: n.commands, incident: n.incident, release: n.release, link: programLink(n, context) };
}

/** A CDEvent (context + subject) as the data of its CloudEvent; Cutover's facts in customData. */
function cdEventOf(n: Notification, context: Pick<BodyContext, 'publicUrl'>): Record<string, unknown> {
  const incident = n.type === T.incidentReported || n.type === T.incidentResolved;
  const subject = incident
    ? { id: n.incident?.id ?? n.subject, source: sourceOf(n, context), type: 'incident', content: { description: n.summary, environment: { id: n.program }, service: { id: n.program } } }
    : {
        id: n.program,
        source: sourceOf(n, context),
        type: 'service',
        content: { environment: { id: n.program }, artifactId: n.release === null ? n.program : `pkg:generic/${encodeURIComponent(n.program)}@${encodeURIComponent(n.release.tag)}?checksum=sha1:${n.release.sha}` },
      };
  return {
    context: { version: CDEVENTS_SPEC, id: n.id, source: sourceOf(n, context), type: n.type, timestamp: n.time },
    subject,
    customDataContentType: 'application/json',
    customData: cutoverData(n, context),
  };
}

// Slack's limits (api.slack.com/reference/block-kit/blocks): a section's text at most 3,000 characters, a header's 150.
const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
/** Slack mrkdwn needs &, < and > escaped (api.slack.com/reference/surfaces/formatting#escaping). */
const escapeSlack = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function whoMustAct(owed: readonly Owed[]): string {
  return owed.map((o) => (o.role === null ? o.party : `${o.role} (${o.party})`)).join(', ');
}

/** A Block Kit message: what happened, who must act, and the command or link that clears it. */
export function slackMessage(n: Notification, context: Pick<BodyContext, 'publicUrl'>): Record<string, unknown> {
  const link = programLink(n, context);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${n.program}: ${headline(n)}`, 150) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(escapeSlack(n.summary), 3000) } },
  ];
  if (n.owedBy.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*Who must act:* ${escapeSlack(whoMustAct(n.owedBy))}`, 3000) } });
  if (n.commands.length > 0) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(`*To clear it:*\n\`\`\`${n.commands.map(escapeSlack).join('\n')}\`\`\``, 3000) } });
  const context_ = [`${n.seq === null ? 'time' : `ledger seq ${n.seq}`} · ${n.time}`];
  if (link !== null) context_.push(`<${link}|open the program>`);
  blocks.push({ type: 'context', elements: context_.map((text) => ({ type: 'mrkdwn', text: clip(text, 3000) })) });
  return { text: clip(`${n.program}: ${n.summary}`, 3000), blocks };
}

function headline(n: Notification): string {
  const words: Record<string, string> = {
    [T.serviceUpgraded]: 'promoted',
    [T.serviceRolledBack]: 'rolled back',
    [T.incidentReported]: 'incident reported',
    [T.incidentResolved]: 'incident resolved',
    [T.outcomeChanged]: 'decision outcome changed',
    [T.blockerAppeared]: 'new blocker',
    [T.blockerCleared]: 'blocker cleared',
    [T.phaseStarted]: 'phase started',
    [T.phaseCompleted]: 'phase completed',
    [T.verdictCast]: 'verdict cast',
    [T.deadlineDueSoon]: 'deadline due soon',
    [T.deadlineOverdue]: 'deadline OVERDUE',
    [T.windowOpening]: 'window about to open',
    [T.windowClosing]: 'window about to close',
  };
  return words[n.type] ?? n.type;
}

const PAGERDUTY_SEVERITY: Record<string, 'critical' | 'error' | 'warning' | 'info'> = { 'SEV-1': 'critical', 'SEV-2': 'error', 'SEV-3': 'warning' };

/** The alert's key: the incident, within its program (two programs may both have an INC-1). */
export function dedupKeyOf(program: string, incident: string): string {
  return `${program}/${incident}`;
}

/**
 * PagerDuty Events API v2 (developer.pagerduty.com/docs/events-api-v2): an incident reported
 * triggers, resolved resolves (dedup_key = the incident), a promotion or rollback is a change event.
 */
export function pagerDutyBody(n: Notification, context: BodyContext): Body | null {
  const routingKey = context.routingKey ?? '';
  const link = programLink(n, context);
  const links = link === null ? [] : [{ href: link, text: `${n.program} on Cutover` }];
  const details = { program: n.program, subject: n.subject, seq: n.seq, owedBy: whoMustAct(n.owedBy), commands: n.commands.join('\n') };
  if (n.type === T.incidentReported && n.incident !== null) {
    return json({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: dedupKeyOf(n.program, n.incident.id),
      payload: { summary: clip(`${n.program}: ${n.summary}`, 1024), source: n.program, severity: PAGERDUTY_SEVERITY[n.incident.severity] ?? 'error', timestamp: n.time, component: n.program, class: 'cutover-incident', custom_details: details },
      links,
    });
  }
  if (n.type === T.incidentResolved && n.incident !== null) {
    return json({ routing_key: routingKey, event_action: 'resolve', dedup_key: dedupKeyOf(n.program, n.incident.id) });
  }
  if (n.type === T.serviceUpgraded || n.type === T.serviceRolledBack) {
    const url = context.changeUrl ?? context.sinkUrl.replace(/\/v2\/enqueue\/?$/, '/v2/change/enqueue');
    return { ...json({ routing_key: routingKey, payload: { summary: clip(`${n.program}: ${n.summary}`, 1024), timestamp: n.time, source: n.program, custom_details: details }, links }), url };
  }
  return null;
}

function json(value: unknown): Body {
  return { text: JSON.stringify(value), contentType: 'application/json' };
}
