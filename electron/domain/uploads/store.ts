/**
 * Files streamed to disk by the upload channel (`POST /api/upload/<method>`), waiting for the call that names them
 * by `{filename, uploadId}`. An upload belongs to the session that sent it and is used once; what nobody claims
 * within an hour, and anything left from an earlier run of the program, is removed.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors';

export const UPLOADS_DIR_NAME = 'uploads';
export const UPLOAD_LIFETIME_MS = 60 * 60 * 1000;

interface Upload {
  file: string;
  sizeBytes: number;
  /** SHA-256 of the session token that sent it; null for an anonymous caller (the hub PC restoring without login). */
  owner: string | null;
  receivedAt: number;
}

export interface ClaimedUpload {
  file: string;
  sizeBytes: number;
}

/** Who a session token is, as the store keeps it: never the token itself. */
export const ownerOf = (token: string | null | undefined): string | null => (token ? crypto.createHash('sha256').update(token).digest('hex') : null);

export const uploadGone = () => new AppError('NOT_FOUND', '上传的文件不存在、已经用过或已过期（1 小时），请重新选择文件');

export class UploadStore {
  private readonly uploads = new Map<string, Upload>();
  /** Files being written right now: not registered yet, and not orphans either. */
  private readonly writing = new Set<string>();

  constructor(
    readonly dir: string,
    private readonly now: () => number,
  ) {}

  /**
   * A fresh, unguessable id and its file, created empty and exclusively. The folder is made on first use;
   * `recursive` makes that safe when fifty requests are the first at once.
   */
  async open(): Promise<{ id: string; file: string; handle: fs.promises.FileHandle }> {
    await fs.promises.mkdir(this.dir, { recursive: true });
    const id = crypto.randomBytes(24).toString('base64url');
    const file = path.join(this.dir, `${id}.upload`);
    const handle = await fs.promises.open(file, 'wx');
    this.writing.add(file);
    return { id, file, handle };
  }

  /** The file was received whole: it may now be claimed by `owner`. */
  received(id: string, file: string, sizeBytes: number, owner: string | null): void {
    this.writing.delete(file);
    this.uploads.set(id, { file, sizeBytes, owner, receivedAt: this.now() });
  }

  /** The upload failed (too large, aborted, disk error): its partial file goes. */
  async discard(file: string): Promise<void> {
    this.writing.delete(file);
    await fs.promises.rm(file, { force: true }).catch(() => undefined);
  }

  /**
   * Hands the file over to the call that names it, once. The caller owns the file from then on and removes it
   * (or renames it into place). Another session's id is answered as if it did not exist.
   */
  claim(id: string, owner: string | null): ClaimedUpload {
    const upload = this.uploads.get(id);
    if (!upload || upload.owner !== owner) throw uploadGone();
    this.uploads.delete(id);
    if (this.now() - upload.receivedAt > UPLOAD_LIFETIME_MS || !fs.existsSync(upload.file)) {
      fs.rmSync(upload.file, { force: true });
      throw uploadGone();
    }
    return { file: upload.file, sizeBytes: upload.sizeBytes };
  }

  /** Removes expired uploads and files nobody is writing or waiting for (all of them at start-up). */
  sweep(): void {
    const now = this.now();
    for (const [id, u] of this.uploads) {
      if (now - u.receivedAt > UPLOAD_LIFETIME_MS) {
        this.uploads.delete(id);
        fs.rmSync(u.file, { force: true });
      }
    }
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return; // not made yet
    }
    const waiting = new Set([...this.uploads.values()].map((u) => u.file));
    for (const name of names) {
      const file = path.join(this.dir, name);
      if (!waiting.has(file) && !this.writing.has(file)) fs.rmSync(file, { force: true, recursive: true });
    }
  }
}
