// A generated source file is written only when its text changes, so a build leaves it (and tsc's
// and the editor's view of it) untouched when nothing it comes from changed.
import { readFileSync, writeFileSync } from 'node:fs';

export function writeIfChanged(path, text) {
  let current = null;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    // not generated yet
  }
  if (current !== text) writeFileSync(path, text);
}
