/** Counties and hubs as the prefecture administrator registers them (with the hub's public key). */
import { AppError } from '../../electron/errors';
import { publicKeyId } from '../../electron/domain/prefecture/seal';
import type { Client, Pool } from './db';

export async function registerHub(
  db: Pool | Client,
  input: { code: string; name: string; countyCode: string; publicKey: string },
  at: Date,
  byUserId: number | null,
): Promise<{ id: number; keyId: string }> {
  let keyId: string;
  try {
    keyId = publicKeyId(input.publicKey);
    const { createPublicKey } = await import('node:crypto');
    const key = createPublicKey({ key: Buffer.from(input.publicKey, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not ed25519');
  } catch {
    throw new AppError('VALIDATION', '公钥格式不正确：请粘贴卫生院“上报地市”页面显示的签名公钥', [{ path: 'publicKey', message: '不是有效的 Ed25519 公钥' }]);
  }
  const county = await db.query('SELECT 1 FROM counties WHERE code = $1', [input.countyCode]);
  if (!county.rowCount) throw new AppError('VALIDATION', `县区代码 ${input.countyCode} 不存在，请先添加县区`, [{ path: 'countyCode', message: '县区不存在' }]);
  const existing = await db.query('SELECT 1 FROM hubs WHERE code = $1', [input.code]);
  if (existing.rowCount) throw new AppError('DUPLICATE', `卫生院编码 ${input.code} 已登记`, [{ path: 'code', message: '编码已登记' }]);
  const r = await db.query<{ id: number }>(
    'INSERT INTO hubs (code, name, county_code, public_key, key_id, registered_at, registered_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [input.code, input.name, input.countyCode, input.publicKey, keyId, at.toISOString(), byUserId],
  );
  return { id: r.rows[0].id, keyId };
}

export async function addCounty(db: Pool | Client, code: string, name: string): Promise<void> {
  await db.query('INSERT INTO counties (code, name) VALUES ($1, $2) ON CONFLICT (code) DO UPDATE SET name = excluded.name', [code, name]);
}
