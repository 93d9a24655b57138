/**
 * A program's records (src/render), rendered from the same evaluation the page shows and turned
 * into HTML. markdown-it runs with raw HTML off, so a note in the ledger that looks like a tag is
 * shown as text, and its link check refuses javascript: and data: URLs.
 */
import MarkdownIt from 'markdown-it';
import type { Evaluation } from '../../domain/evaluate.js';
import type { ProgramDefinition, RecordDefinition } from '../../program/schema.js';
import { renderTemplate } from '../../render/engine.js';
import { recordModel } from '../../render/model.js';
import { DEFAULT_TEMPLATES } from '../../render/templates.js';
import { trusted, type SafeHtml } from './html.js';

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

export interface RecordView {
  readonly record: RecordDefinition;
  /** The head the record was rendered from. */
  readonly head: string | null;
  readonly seq: number;
  /** null: the record has a template of its own, kept in the party's repository, not on the server. */
  readonly body: SafeHtml | null;
}

export function recordViews(ev: Evaluation, def: ProgramDefinition): RecordView[] {
  return def.records.map((record) => ({
    record,
    head: ev.head,
    seq: ev.seq,
    body:
      record.template !== undefined
        ? null
        : trusted(markdown.render(renderTemplate({ source: `built-in ${record.kind} template`, text: DEFAULT_TEMPLATES[record.kind] }, recordModel(ev, def, record)))),
  }));
}
