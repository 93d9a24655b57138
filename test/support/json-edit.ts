/** `value` with the member at `path` (keys chosen by index, modulo their count) replaced, or removed. */
export function editMember(value: unknown, path: readonly number[], replacement: unknown, remove: boolean): unknown {
  if (value === null || typeof value !== 'object' || path.length === 0) return replacement;
  const keys = Object.keys(value);
  if (keys.length === 0) return value;
  const key = keys[path[0]! % keys.length]!;
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? [...value] : { ...(value as Record<string, unknown>) };
  if (remove && path.length === 1 && !Array.isArray(copy)) delete copy[key];
  else (copy as Record<string, unknown>)[key] = editMember((value as Record<string, unknown>)[key], path.slice(1), replacement, remove);
  return copy;
}
