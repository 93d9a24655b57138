/**
 * Items of two mirrored lists that say the same thing in other words ("release tag + SHA not
 * published" / "release tag and commit SHA not yet published"). Pure.
 *
 * The measure is the Sørensen–Dice coefficient of the two items' sets of content words: 2·|A∩B| /
 * (|A|+|B|), over lowercase words split on anything not a letter or digit, without the function
 * words every blocker shares ("is not yet", "the", "and"). Two items are the same item reworded at
 * SIMILARITY_THRESHOLD or more; docs/audit.md says why 0.6.
 */
import { diffWords } from 'diff';
import { normalText } from './record.js';

export const SIMILARITY_THRESHOLD = 0.6;

/** Words that carry no content of their own in a blocker: kept out of the sets compared. */
const FUNCTION_WORDS = new Set(
  'a an the is are was were be been being of for to in on at by with and or but not no yet still any all this that these those it its as from into than then has have had will must should can'.split(' '),
);

export function contentWords(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)
      .filter((w) => w !== '' && !FUNCTION_WORDS.has(w)),
  );
}

/** Sørensen–Dice over content words: 1 the same words, 0 none in common. */
export function similarity(a: string, b: string): number {
  const x = contentWords(a);
  const y = contentWords(b);
  if (x.size === 0 && y.size === 0) return normalText(a) === normalText(b) ? 1 : 0;
  let shared = 0;
  for (const w of x) if (y.has(w)) shared++;
  return (2 * shared) / (x.size + y.size);
}

export interface Matched<T> {
  /** The same item, word for word (after normalText). */
  readonly same: readonly (readonly [T, T])[];
  /** The same item in other words: similar at the threshold or more. */
  readonly reworded: readonly (readonly [T, T, number])[];
  readonly onlyLeft: readonly T[];
  readonly onlyRight: readonly T[];
}

/**
 * Pair the items of two lists: equal texts first, then the most similar pairs left (greedily, the
 * highest score first, ties in list order), each item in one pair at most.
 */
export function matchItems<T>(left: readonly T[], right: readonly T[], text: (item: T) => string): Matched<T> {
  const same: (readonly [T, T])[] = [];
  // Equal texts by a map of normal forms: mirrors are compared at every commit of a --since range.
  const rightByText = new Map<string, number[]>();
  right.forEach((r, j) => {
    const key = normalText(text(r));
    const list = rightByText.get(key);
    if (list === undefined) rightByText.set(key, [j]);
    else list.push(j);
  });
  const freeRight = new Set(right.map((_, j) => j));
  const freeLeft: number[] = [];
  left.forEach((l, i) => {
    const j = rightByText.get(normalText(text(l)))?.shift();
    if (j === undefined) freeLeft.push(i);
    else {
      same.push([l, right[j] as T]);
      freeRight.delete(j);
    }
  });
  if (freeLeft.length === 0 || freeRight.size === 0)
    return { same, reworded: [], onlyLeft: freeLeft.map((i) => left[i] as T), onlyRight: [...freeRight].map((j) => right[j] as T) };
  const candidates: { i: number; j: number; score: number }[] = [];
  for (const i of freeLeft)
    for (const j of freeRight) {
      const score = similarity(text(left[i] as T), text(right[j] as T));
      if (score >= SIMILARITY_THRESHOLD) candidates.push({ i, j, score });
    }
  candidates.sort((x, y) => y.score - x.score || x.i - y.i || x.j - y.j);
  const chosen: { i: number; j: number; score: number }[] = [];
  const usedLeft = new Set<number>();
  for (const c of candidates) {
    if (usedLeft.has(c.i) || !freeRight.has(c.j)) continue;
    usedLeft.add(c.i);
    freeRight.delete(c.j);
    chosen.push(c);
  }
  return {
    same,
    reworded: chosen.sort((x, y) => x.i - y.i).map((c) => [left[c.i] as T, right[c.j] as T, c.score] as const),
    onlyLeft: freeLeft.filter((i) => !usedLeft.has(i)).map((i) => left[i] as T),
    onlyRight: [...freeRight].sort((a, b) => a - b).map((j) => right[j] as T),
  };
}

/** What changed between two wordings, wdiff-style: `[-removed-]` and `{+added+}`. */
export function wordDiff(a: string, b: string): string {
  // Trailing punctuation is no wording (normalText ignores it too).
  const bare = (t: string) => t.replace(/[.:;]+$/, '');
  return diffWords(bare(a), bare(b))
    .map((part) => {
      if (!part.added && !part.removed) return part.value;
      // The spaces around a changed word stay outside its marks.
      const [, lead, core, trail] = /^(\s*)([\s\S]*?)(\s*)$/.exec(part.value) as RegExpExecArray;
      return `${lead} ${part.removed ? `[-${core}-]` : `{+${core}+}`} ${trail}`;
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
