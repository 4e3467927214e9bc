import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ADMIN_PASSWORD } from '../helpers/runtime';
import { createHttpHub, sessionCookie, type HttpHub } from '../helpers/http';

/**
 * The upload channel (issue 19, item 7): a file is streamed to disk by `POST /api/upload/<method>` under the same
 * checks as a large JSON body, before any byte is read; the method then takes `{filename, uploadId}`.
 */
let hub: HttpHub;
beforeEach(async () => {
  hub = await createHttpHub();
});
afterEach(async () => {
  await hub.close();
});

const uploadsDir = () => path.join(hub.dataDir, 'uploads');
const filesInUploads = () => (fs.existsSync(uploadsDir()) ? fs.readdirSync(uploadsDir()) : []);
const port = () => Number(new URL(hub.server.url).port);

async function adminCookie(): Promise<string> {
  return sessionCookie((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).headers);
}

async function upload(method: string, bytes: Buffer, cookie: string | null, filename = '文件 1.sqlite') {
  const res = await fetch(`${hub.server.url}api/upload/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(filename), ...(cookie ? { cookie } : {}) },
    body: new Uint8Array(bytes),
  });
  return { status: res.status, json: (await res.json()) as { uploadId?: string; sizeBytes?: number; error?: { code: string } } };
}

describe('an upload the caller may not send', () => {
  it('is refused from its headers: the server answers 401 and closes the connection, and nothing reaches the disk', async () => {
    const socket = net.connect(port(), '127.0.0.1');
    let received = '';
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
    });
    socket.write(
      [
        'POST /api/upload/backup.restore HTTP/1.1',
        `Host: 127.0.0.1:${port()}`,
        'Content-Type: application/octet-stream',
        'X-File-Name: x.sqlite',
        `Content-Length: ${90 * 1024 * 1024}`,
        'Expect: 100-continue',
        '',
        '',
      ].join('\r\n'),
    );
    // 90 MB announced, not one byte of it sent: only an answer from the headers can end this.
    await closed;
    // (Node says "100 Continue" by itself as the request arrives; the route's checks answer in the same turn.)
    expect(received).toMatch(/\r\nHTTP\/1\.1 401 Unauthorized\r\nconnection: close\r\n/);
    expect(received).toContain('"UNAUTHENTICATED"');
    expect(filesInUploads()).toEqual([]);
  });
});

describe('an upload past its method’s limit', () => {
  it('is refused before it is read when it says so, and cut off with its file removed when it does not', async () => {
    const cookie = await adminCookie();
    const limit = 64 * 1024 * 1024;
    const declared = await fetch(`${hub.server.url}api/upload/catalog.importPreview`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'big.xlsx', cookie, 'content-length': String(limit + 1) },
      body: new Uint8Array(limit + 1),
    }).catch((err: Error) => err);
    if (!(declared instanceof Error)) expect(declared.status).toBe(413);

    // Chunked: no length announced. The server stops reading past 64 MiB and the connection ends.
    const chunk = Buffer.alloc(1024 * 1024, 7);
    let sent = 0;
    const ended = await new Promise<string>((resolve) => {
      const req = http.request({
        host: '127.0.0.1',
        port: port(),
        method: 'POST',
        path: '/api/upload/catalog.importPreview',
        headers: { 'content-type': 'application/octet-stream', 'x-file-name': 'big.xlsx', cookie, 'transfer-encoding': 'chunked' },
      });
      req.on('error', (err) => resolve(`error ${(err as NodeJS.ErrnoException).code}`));
      req.on('response', (res) => resolve(`answered ${res.statusCode}`));
      const pump = () => {
        while (sent < 2 * limit) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(ended).toMatch(/^error /);
    expect(sent).toBeLessThan(2 * limit);
    await vi.waitFor(() => expect(filesInUploads()).toEqual([]), { timeout: 10_000, interval: 20 });
    // The hub goes on answering, and the next upload is received.
    expect((await upload('catalog.importPreview', Buffer.from('a,b\n1,2\n'), cookie, 'small.csv')).status).toBe(200);
  });
});

describe('an upload id', () => {
  it('is used only by the session that uploaded it, and only once', async () => {
    const mine = await adminCookie();
    const theirs = await adminCookie();
    const sent = await upload('backup.restore', Buffer.from('not a database'), mine, 'x.sqlite');
    expect(sent.status).toBe(200);
    const upload_ = { filename: 'x.sqlite', uploadId: sent.json.uploadId };
    // Another session (even of the same administrator) is told it does not exist, and it stays there for its owner.
    const other = await hub.post('backup.restore', { upload: upload_ }, { cookie: theirs });
    expect(other).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
    const anonymous = await hub.post('recovery.restore', { upload: upload_ });
    expect(anonymous.status).toBe(403);
    const own = await hub.post('backup.restore', { upload: upload_ }, { cookie: mine });
    expect(own).toMatchObject({ status: 422, json: { error: { code: 'BACKUP_INVALID' } } });
    const again = await hub.post('backup.restore', { upload: upload_ }, { cookie: mine });
    expect(again).toMatchObject({ status: 404, json: { error: { code: 'NOT_FOUND' } } });
    expect(filesInUploads()).toEqual([]);
  });
});

describe('a restore from an uploaded backup', () => {
  it('restores the hub from the file on disk: the uploaded file itself becomes the database, never read into memory', async () => {
    const cookie = await adminCookie();
    const backup = await hub.admin.call('backup.create', { note: '上传测试' });
    const bytes = fs.readFileSync(path.join(backup.dir, backup.fileName));
    const sent = await upload('backup.restore', bytes, cookie, backup.fileName);
    expect(sent.json).toMatchObject({ sizeBytes: bytes.length });
    const uploaded = fs.statSync(path.join(uploadsDir(), `${sent.json.uploadId}.upload`));

    const restored = await hub.post('backup.restore', { upload: { filename: backup.fileName, uploadId: sent.json.uploadId } }, { cookie });
    expect(restored).toMatchObject({ status: 200, json: { restoredFrom: backup.fileName, hubName: '测试镇卫生院' } });
    // The same inode: the upload was renamed into place, not decoded, copied or buffered.
    expect(fs.statSync(hub.runtime.dbFile).ino).toBe(uploaded.ino);
    expect(filesInUploads()).toEqual([]);
    // Everyone signs in again, against the restored accounts.
    expect((await hub.post('auth.me', {}, { cookie })).status).toBe(401);
    expect((await hub.post('auth.login', { username: 'admin', password: ADMIN_PASSWORD })).status).toBe(200);
  });
});

describe('fifty uploads at once on a hub that never had one', () => {
  it('all land, each in its own file, the uploads folder made once', async () => {
    const cookie = await adminCookie();
    expect(fs.existsSync(uploadsDir())).toBe(false);
    const contents = Array.from({ length: 50 }, (_, i) => Buffer.from(`日期,温度\n2026-03-0${(i % 9) + 1},${i}\n`));
    const answers = await Promise.all(contents.map((c, i) => upload('storage.loggerPreview', c, cookie, `记录仪-${i}.csv`)));
    expect(answers.map((a) => a.status)).toEqual(Array(50).fill(200));
    const ids = answers.map((a) => a.json.uploadId);
    expect(new Set(ids).size).toBe(50);
    for (const [i, id] of ids.entries()) expect(fs.readFileSync(path.join(uploadsDir(), `${id}.upload`))).toEqual(contents[i]);
  });
});
