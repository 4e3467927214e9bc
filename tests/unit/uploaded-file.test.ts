import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase64InSlices } from '../../electron/domain/uploaded-file';

/** A file sent as base64 is decoded in pieces (the server's thread answers between them), to the very bytes Node decodes at once. */
describe('base64 decoded in slices', () => {
  const bytes = crypto.randomBytes(100_003);
  const same = async (text: string, slice: number) => expect(Buffer.compare(await decodeBase64InSlices(text, slice), Buffer.from(text, 'base64'))).toBe(0);

  it('gives the bytes of the whole text, whatever the slice', async () => {
    for (const slice of [4, 1000, 1023, 4096, 1 << 20]) {
      await same(bytes.toString('base64'), slice);
      await same(bytes.toString('base64url'), slice);
    }
    expect(Buffer.compare(await decodeBase64InSlices(bytes.toString('base64'), 4096), bytes)).toBe(0);
  });

  it('reads texts with line breaks, padding or stray characters as Node reads them', async () => {
    const wrapped = bytes.toString('base64').replace(/.{76}/g, '$&\r\n');
    await same(wrapped, 4096);
    await same(`${bytes.subarray(0, 10).toString('base64')}${bytes.subarray(10, 5000).toString('base64')}`, 16);
    await same(`${bytes.toString('base64').slice(0, 8000)}$%^${bytes.toString('base64').slice(8000)}`, 4096);
    await same('', 4096);
  });
});
