/**
 * The hub's signing key for prefecture packages: Ed25519, made once per data folder and kept there
 * (prefecture-key.pem, private; the public half is derived). Two first uses at once (the desktop app and a
 * headless server on one folder, or two requests) must not make two keys: each writes a complete key to a
 * temporary file and links it into place, which succeeds for exactly one; the other reads the winner's.
 */
import crypto, { type KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const HUB_KEY_FILE = 'prefecture-key.pem';

export interface HubKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** DER SPKI, base64: what the prefecture administrator enrols and the manifest carries. */
  publicKeyBase64: string;
  /** First 16 hex digits of SHA-256 over the DER SPKI. */
  keyId: string;
}

/** Who the hub is to the prefecture: the code and county the prefecture administrator registered it under. */
export interface HubIdentity {
  code: string;
  name: string;
  countyCode: string;
}

/** The hub's identity with the key that signs its packages. */
export interface HubSigner extends HubIdentity {
  key: HubKey;
}

export function keyIdOf(publicKeyDer: Buffer): string {
  return crypto.createHash('sha256').update(publicKeyDer).digest('hex').slice(0, 16);
}

function fromPem(pem: string): HubKey {
  const privateKey = crypto.createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${HUB_KEY_FILE} is not an Ed25519 key`);
  const publicKey = crypto.createPublicKey(privateKey);
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return { privateKey, publicKey, publicKeyBase64: der.toString('base64'), keyId: keyIdOf(der) };
}

/** The data folder's key, made on first use. */
export function loadOrCreateHubKey(dataDir: string): HubKey {
  const file = path.join(dataDir, HUB_KEY_FILE);
  if (fs.existsSync(file)) return fromPem(fs.readFileSync(file, 'utf8'));
  fs.mkdirSync(dataDir, { recursive: true });
  const { privateKey } = crypto.generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const temp = path.join(dataDir, `.${HUB_KEY_FILE}.${process.pid}.${crypto.randomBytes(6).toString('hex')}.tmp`);
  const fd = fs.openSync(temp, 'wx', 0o600);
  try {
    fs.writeSync(fd, pem);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    // link() fails with EEXIST when another process got there first; rename() would silently replace its key.
    fs.linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(temp, { force: true });
  }
  return fromPem(fs.readFileSync(file, 'utf8'));
}
