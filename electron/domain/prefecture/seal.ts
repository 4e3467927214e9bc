/**
 * Checksums and signature of a prefecture package, for the hub that seals it and the server that opens it.
 * A section's checksum is SHA-256 over its canonical JSON; the signature is Ed25519 over the canonical
 * manifest, which lists every section's checksum, so one signature covers every row.
 */
import crypto, { type KeyObject } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { canonicalJson } from '../../../shared/prefecture/canonical';
import { SECTION_NAMES, type BuiltPackage, type Manifest, type PackageEnvelope, type SectionName, type SectionRows } from '../../../shared/prefecture/package';
import { keyIdOf } from './key';

export function sectionSha256(rows: readonly unknown[]): string {
  return crypto.createHash('sha256').update(canonicalJson(rows)).digest('hex');
}

export function sectionsSummary(sections: SectionRows): Manifest['sections'] {
  return Object.fromEntries(SECTION_NAMES.map((n) => [n, { rows: sections[n].length, sha256: sectionSha256(sections[n]) }])) as Manifest['sections'];
}

export function signManifest(manifest: Manifest, privateKey: KeyObject): string {
  return crypto.sign(null, Buffer.from(canonicalJson(manifest)), privateKey).toString('base64');
}

/** True when `signature` is the manifest's, made by the holder of the DER SPKI public key given. */
export function signatureValid(manifest: Manifest, signature: string, publicKeyBase64: string): boolean {
  try {
    const key = crypto.createPublicKey({ key: Buffer.from(publicKeyBase64, 'base64'), format: 'der', type: 'spki' });
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return crypto.verify(null, Buffer.from(canonicalJson(manifest)), key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

export function publicKeyId(publicKeyBase64: string): string {
  return keyIdOf(Buffer.from(publicKeyBase64, 'base64'));
}

/** Sections whose rows do not match the manifest's count or checksum. */
export function checksumMismatches(envelope: PackageEnvelope | BuiltPackage): SectionName[] {
  return SECTION_NAMES.filter((n) => {
    const rows = envelope.sections[n];
    const want = envelope.manifest.sections[n];
    return rows.length !== want.rows || sectionSha256(rows) !== want.sha256;
  });
}

/** The bytes that travel: gzip-compressed JSON (over HTTPS and in a .stpkg file alike). */
export function encodePackage(envelope: PackageEnvelope | BuiltPackage): Buffer {
  return gzipSync(Buffer.from(JSON.stringify(envelope)), { level: 6 });
}

/** Decodes the bytes (gzip or plain JSON) to an object; the caller validates it. */
export function decodePackage(bytes: Buffer, maxBytes = 1024 * 1024 * 1024): unknown {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, { maxOutputLength: maxBytes }) : bytes;
  return JSON.parse(raw.toString('utf8'));
}
