/**
 * One maintenance job at a time per database file: a backup, a restore, a WAL checkpoint. The writer connection
 * stays usable for ordinary work while a backup runs (SQLite's online backup copies in steps).
 */
const running = new Map<string, Promise<unknown>>();

export async function withDataLock<T>(dbFile: string, job: () => Promise<T>): Promise<T> {
  for (;;) {
    const current = running.get(dbFile);
    if (!current) break;
    await current.catch(() => undefined);
  }
  const promise = job();
  running.set(dbFile, promise);
  try {
    return await promise;
  } finally {
    if (running.get(dbFile) === promise) running.delete(dbFile);
  }
}

export const isBusy = (dbFile: string): boolean => running.has(dbFile);
