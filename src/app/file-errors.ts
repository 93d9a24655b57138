/** Node leaves `path` off some file errors (a read through a handle); add it, so the message can name the file. */
export function namingPath(path: string): (error: unknown) => never {
  return (error) => {
    const e = error as NodeJS.ErrnoException | null;
    if (e !== null && typeof e === 'object' && typeof e.code === 'string' && e.path === undefined) e.path = path;
    throw error;
  };
}
