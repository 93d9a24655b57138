/**
 * Rendering a record: a Handlebars template (built-in, or a team's own file) over the record
 * model. Strict: a field the model does not have is an error naming the template, the line and
 * the field, never an empty string. No HTML escaping: records are markdown.
 *
 * The built-in templates and the partials are compiled at build time (precompiled-templates.ts), so
 * rendering them needs only the Handlebars runtime; the compiler is loaded (prepareTemplate) only for
 * a template of the team's own.
 */
import { createHash } from 'node:crypto';
import type HandlebarsCompiler from 'handlebars';
import HandlebarsRuntime from 'handlebars/runtime';
import { invalidInput } from '../errors.js';
import type { RecordModel } from './model.js';
import { PRECOMPILED_PARTIALS, PRECOMPILED_TEMPLATES } from './precompiled-templates.js';
import { TEMPLATE_OPTIONS } from './templates.js';

export interface Template {
  /** Where the template comes from, for messages (a file path, or "built-in decision-record"). */
  readonly source: string;
  readonly text: string;
}

/** A template compiled at build time, with the sha256 of the text it was compiled from. */
export interface PrecompiledTemplate {
  readonly sha256: string;
  readonly spec: TemplateSpecification;
}

type Render = HandlebarsTemplateDelegate<RecordModel>;

const MODEL_FIELDS = 'version, record, party, program, ledger, owner, parties, position, decisions, window, ownership, inputs, nextPhase, blockers, phases, allPhases, target, baseline, rollbackTarget, evidence, incidents';

/** Compiled templates by their text: a server renders the same built-in templates on every page. */
const compiled = new Map<string, Render>();
const MAX_COMPILED = 32;

/** The compiler, once a template of the team's own needed it. */
let compiler: typeof HandlebarsCompiler | undefined;

/** Load what rendering `template` needs: nothing more for a built-in template, the compiler for any other. */
export async function prepareTemplate(template: Template): Promise<void> {
  if (compiler === undefined && precompiledSpec(template.text) === undefined) {
    compiler = ((await import('handlebars')) as unknown as { default: typeof HandlebarsCompiler }).default;
  }
}

/** Render `template` over `model`; a template that is not built in needs prepareTemplate first. */
export function renderTemplate(template: Template, model: RecordModel): string {
  let render = compiled.get(template.text);
  const fresh = render === undefined;
  render ??= compile(template);
  try {
    const text = render(model);
    // Kept only once it rendered: Handlebars compiles on the first call, where a bad template fails.
    if (fresh) {
      if (compiled.size >= MAX_COMPILED) compiled.clear();
      compiled.set(template.text, render);
    }
    return text;
  } catch (e) {
    throw templateError(template, e as Error);
  }
}

function compile(template: Template): Render {
  const spec = precompiledSpec(template.text);
  if (spec !== undefined) return runtimeWithPartials().template<RecordModel>(spec);
  if (compiler === undefined) throw new Error(`the template compiler is not loaded for ${template.source}: call prepareTemplate first`);
  const hb = withPartials(compiler.create());
  refuseInheritedNames(compiler, template);
  return hb.compile<RecordModel>(template.text, { ...TEMPLATE_OPTIONS });
}

let specsByDigest: Map<string, TemplateSpecification> | undefined;
function precompiledSpec(text: string): TemplateSpecification | undefined {
  specsByDigest ??= new Map(Object.values(PRECOMPILED_TEMPLATES).map((t) => [t.sha256, t.spec]));
  return specsByDigest.get(createHash('sha256').update(text).digest('hex'));
}

let runtime: typeof HandlebarsRuntime | undefined;
function runtimeWithPartials(): typeof HandlebarsRuntime {
  return (runtime ??= withPartials(HandlebarsRuntime.create()));
}

function withPartials<H extends typeof HandlebarsRuntime>(hb: H): H {
  for (const [name, partial] of Object.entries(PRECOMPILED_PARTIALS)) hb.registerPartial(name, hb.template(partial.spec));
  return hb;
}

/**
 * Names every object inherits (`constructor`, `__proto__`, `toString`, …): Handlebars blocks them
 * and renders an empty string, so a template naming one would print a blank where the README
 * promises an error. They are never fields of the record model.
 */
const INHERITED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

interface AstNode {
  readonly type?: string;
  readonly parts?: readonly unknown[];
  readonly original?: unknown;
  readonly value?: unknown;
  readonly loc?: { readonly start: { readonly line: number } };
}

function refuseInheritedNames(hb: typeof HandlebarsCompiler, template: Template): void {
  let ast: unknown;
  try {
    ast = hb.parse(template.text);
  } catch {
    return; // a parse error is reported by compile, with its line
  }
  const stack: unknown[] = [ast];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const n = node as AstNode;
    const inherited =
      (n.type === 'PathExpression' && n.parts?.some((p) => typeof p === 'string' && INHERITED_NAMES.has(p))) ||
      (n.type === 'StringLiteral' && typeof n.value === 'string' && INHERITED_NAMES.has(n.value)); // {{lookup . "constructor"}}
    if (inherited) {
      throw invalidInput({
        source: template.source,
        ...(n.loc === undefined ? {} : { line: n.loc.start.line }),
        field: String(n.original ?? n.value ?? ''),
        expected: `a field of the record model (schemas/record-model.schema.json; at the top: ${MODEL_FIELDS})`,
        found: 'a name every object inherits, not a field',
      });
    }
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') stack.push(child);
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
