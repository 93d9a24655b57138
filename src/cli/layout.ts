/**
 * Human output fits in 100 columns: prose wraps at spaces under a hanging indent, and a shell command
 * wraps before an option or after `&&`, each broken line ending in ` \` so it still runs when pasted.
 * A single word longer than a line (a long path) stays whole rather than being cut.
 */
export const WIDTH = 100;

/** `first` then `text`, wrapped; every line after the first starts with `indent`. */
export function wrapText(first: string, text: string, indent: string, width = WIDTH): string[] {
  return pack(first, text.split(' '), ' ', indent, width, '');
}

/** The command after `first`, wrapped as a shell continues it. */
export function wrapCommand(first: string, command: string, indent: string, width = WIDTH): string[] {
  return pack(first, commandPieces(command), ' ', indent, width - 2, ' \\');
}

/** Items joined by `separator` (e.g. ` · `), broken between items; a broken line keeps the separator's mark. */
export function wrapList(first: string, items: readonly string[], separator: string, indent: string, width = WIDTH): string[] {
  return pack(first, items, separator, indent, width, separator.trimEnd());
}

function pack(first: string, pieces: readonly string[], gap: string, indent: string, width: number, lineEnd: string): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const piece of pieces) {
    if (!empty && visibleLength(line) + gap.length + visibleLength(piece) > width) {
      lines.push(line + lineEnd);
      line = indent + piece;
    } else {
      line = empty ? line + piece : line + gap + piece;
    }
    empty = false;
  }
  lines.push(line);
  return lines;
}

const SGR = /\u001b\[[0-9;]*m/g;

/** The columns `text` takes on a terminal: colour codes take none. */
export function visibleLength(text: string): number {
  return text.replace(SGR, '').length;
}

/** Split a command where a line may break: before ` --option value`, and after `&&`. Quotes are kept whole. */
function commandPieces(command: string): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | null = null;
  for (const ch of command) {
    if (quote !== null) {
      word += ch;
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      word += ch;
      quote = ch;
    } else if (ch === ' ') {
      if (word !== '') words.push(word);
      word = '';
    } else word += ch;
  }
  if (word !== '') words.push(word);
  const pieces: string[] = [];
  for (const w of words) {
    const last = pieces.at(-1);
    const startsPiece = last === undefined || w.startsWith('--') || last.endsWith('&&');
    if (startsPiece) pieces.push(w);
    else pieces[pieces.length - 1] = `${last} ${w}`;
  }
  return pieces;
}

/** `text` padded to `width` columns (at least one space after it), then painted: padding stays unpainted. */
export function padded(text: string, width: number, paint: (t: string) => string = (t) => t): string {
  return paint(text) + ' '.repeat(Math.max(1, width - text.length));
}
