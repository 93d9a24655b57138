/**
 * The records of a program, rendered from the ledger: which records a party keeps, where, with
 * which template, and how each compares with the file committed in the party's repository.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Evaluation } from '../domain/evaluate.js';
import type { ProgramDefinition, RecordDefinition } from '../program/schema.js';
import { invalidInput } from '../errors.js';
import { MAX_TEMPLATE_BYTES } from '../program/limits.js';
import { refuseSymlink, repoPathProblem } from '../program/paths.js';
import { readTextInside } from '../program/read-text.js';
import { prepareTemplate, renderTemplate, type Template } from './engine.js';
import { recordModel } from './model.js';
import { DEFAULT_TEMPLATES } from './templates.js';

export interface RenderedRecord {
  readonly record: RecordDefinition;
  readonly text: string;
}

/** The template of a record: its own file (relative to the program folder), else the built-in one for its kind. */
export async function templateOf(record: RecordDefinition, programDir: string): Promise<Template> {
  if (record.template === undefined) return { source: `built-in ${record.kind} template`, text: DEFAULT_TEMPLATES[record.kind] };
  const source = join(programDir, record.template);
  // The path is checked as text when cutover.yaml is loaded; here, with symlinks resolved.
  const why = repoPathProblem(record.template);
  if (why !== null) throw invalidInput({ source: record.template, field: `records.${record.id}.template`, expected: `${why}: templates stay inside the program folder`, found: JSON.stringify(record.template) });
  await refuseSymlink(source, record.template, { source, field: `records.${record.id}.template` });
  return { source, text: await readTextInside(source, { root: programDir, maxBytes: MAX_TEMPLATE_BYTES, what: `the template file of record ${record.id}`, source, field: `records.${record.id}.template` }) };
}

export async function renderRecord(ev: Evaluation, def: ProgramDefinition, record: RecordDefinition, programDir: string): Promise<RenderedRecord> {
  const template = await templateOf(record, programDir);
  await prepareTemplate(template);
  return { record, text: renderTemplate(template, recordModel(ev, def, record)) };
}

export type RecordCheck =
  | { readonly status: 'up-to-date'; readonly file: string }
  | { readonly status: 'missing' | 'stale'; readonly file: string; readonly diff: string };

/** Compare a rendered record with the file at `file`; the diff is unified, committed → rendered. */
export async function checkRecord(rendered: RenderedRecord, file: string, shownAs: string): Promise<RecordCheck> {
  const committed = await readFile(file, 'utf8').catch(() => null);
  if (committed === rendered.text) return { status: 'up-to-date', file };
  // The diff library loads only when there is a difference to show.
  const { createTwoFilesPatch } = await import('diff');
  const diff = createTwoFilesPatch(`a/${shownAs}`, `b/${shownAs}`, committed ?? '', rendered.text, committed === null ? '(missing)' : 'committed', 'rendered from the ledger');
  return { status: committed === null ? 'missing' : 'stale', file, diff };
}
