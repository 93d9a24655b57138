/**
 * Rendering a record: a Handlebars template (built-in, or a team's own file) over the record
 * model. Strict: a field the model does not have is an error naming the template, the line and
 * the field, never an empty string. No HTML escaping: records are markdown.
 */
import Handlebars from 'handlebars';
import { invalidInput } from '../errors.js';
import type { RecordModel } from './model.js';
import { PARTIALS } from './templates.js';

export interface Template {
  /** Where the template comes from, for messages (a file path, or "built-in decision-record"). */
  readonly source: string;
  readonly text: string;
}

const MODEL_FIELDS = 'version, record, party, program, ledger, owner, parties, position, decisions, window, ownership, inputs, nextPhase, blockers, phases, allPhases, target, baseline, rollbackTarget, evidence, incidents';

export function renderTemplate(template: Template, model: RecordModel): string {
  const hb = Handlebars.create();
  for (const [name, text] of Object.entries(PARTIALS)) hb.registerPartial(name, text);
  let render: HandlebarsTemplateDelegate<RecordModel>;
  try {
    render = hb.compile<RecordModel>(template.text, { strict: true, noEscape: true });
    return render(model);
  } catch (e) {
    throw templateError(template, e as Error);
  }
}

function templateError(template: Template, error: Error) {
  const missing = /^"([^"]+)" not defined in .* - (\d+):(\d+)$/.exec(error.message);
  if (missing !== null) {
    return invalidInput(
      { source: template.source, line: Number(missing[2]), field: missing[1]!, expected: `a field of the record model (schemas/record-model.schema.json; at the top: ${MODEL_FIELDS})`, found: 'no such field' },
    );
  }
  const parse = /Parse error on line (\d+):\n[\s\S]*?\n(Expecting .*)/.exec(error.message);
  if (parse !== null) {
    return invalidInput({ source: template.source, line: Number(parse[1]), field: '', expected: `a valid template (${parse[2]!.split(', got')[0]})`, found: error.message.split('\n')[0]! });
  }
  return invalidInput({ source: template.source, field: '', expected: 'a template that renders', found: error.message.split('\n')[0]! });
}
