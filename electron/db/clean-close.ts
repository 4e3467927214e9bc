import fs from 'node:fs';

/**
 * What a clean shutdown leaves beside the database: the file's identity, size and modification time once
 * every connection was closed (the write-ahead log checkpointed into it and removed). If the next start
 * finds the file exactly so, and no log beside it, nothing has touched it since it was last known good:
 * the start-up quick_check — which reads every page, a minute on a ten-year hub — is skipped. Any other
 * start (after a crash or power cut, a restore, a copy, or anything that wrote the file) checks it.
 */
interface CleanClose {
  size: number;
  mtimeMs: number;
  ino: number;
}

const cleanCloseFile = (dbFile: string) => `${dbFile}.clean-close.json`;

function fileIdentity(dbFile: string): CleanClose | null {
  try {
    const st = fs.statSync(dbFile);
    return { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
  } catch {
    return null;
  }
}

const walInUse = (dbFile: string): boolean => {
  try {
    return fs.statSync(`${dbFile}-wal`).size > 0;
  } catch {
    return false;
  }
};

/** Called after the last connection to the file was closed. Never throws. */
export function recordCleanClose(dbFile: string): void {
  try {
    const id = fileIdentity(dbFile);
    if (!id || id.size === 0 || walInUse(dbFile)) return;
    fs.writeFileSync(cleanCloseFile(dbFile), JSON.stringify(id));
  } catch {
    /* only a faster next start is lost */
  }
}

/**
 * True when the file is as the last clean shutdown left it. Consumes the record either way, so a run
 * that ends without a clean shutdown leaves none behind. Call before opening the file.
 */
export function takeCleanClose(dbFile: string): boolean {
  const marker = cleanCloseFile(dbFile);
  let recorded: CleanClose | null = null;
  try {
    recorded = JSON.parse(fs.readFileSync(marker, 'utf8')) as CleanClose;
  } catch {
    return false;
  } finally {
    fs.rmSync(marker, { force: true });
  }
  const now = fileIdentity(dbFile);
  return now !== null && !walInUse(dbFile) && recorded !== null && now.size === recorded.size && now.mtimeMs === recorded.mtimeMs && now.ino === recorded.ino;
}
