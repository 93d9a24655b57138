/**
 * HTML built by a tagged template that escapes every value placed in it: text from the ledger (a
 * note, a summary, a blocker's text) can only ever become text. Markup passes through only as
 * `SafeHtml`, made by this module's `html` tag or, for markdown, by `trusted` (see records.ts).
 */
import { showControls } from '../../render/visible-text.js';

export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Also shows controls and bidirectional overrides as `\uXXXX`: a page never sends them raw. */
export function escapeHtml(text: string): string {
  return showControls(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

function place(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map(place).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += place(values[i]!) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup produced by a renderer that escapes on its own (markdown-it with raw HTML off). */
export function trusted(markup: string): SafeHtml {
  return new SafeHtml(showControls(markup));
}
