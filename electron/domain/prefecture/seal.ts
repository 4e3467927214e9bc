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

/**
 * The bytes that travel (over HTTPS and in a .stpkg file alike), gzip-compressed: a first line with the manifest and
 * signature, then one line per section (in SECTION_NAMES order) holding exactly the section's canonical JSON. The
 * receiver hashes each section's line as it arrived (native SHA-256, no re-serialising) before parsing it.
 */
export function encodePackage(envelope: PackageEnvelope | BuiltPackage): Buffer {
  const lines = [
    JSON.stringify({ manifest: envelope.manifest, signature: envelope.signature }),
    ...SECTION_NAMES.map((n) => canonicalJson(envelope.sections[n] ?? [])),
  ];
  return gzipSync(Buffer.from(`${lines.join('\n')}\n`), { level: 6 });
}

export interface DecodedPackage {
  /** The envelope as an object, to be validated by the caller. */
  raw: { manifest?: unknown; signature?: unknown; sections: Record<string, unknown> };
  /** Row count and SHA-256 of each section's line as received. */
  digests: Partial<Manifest['sections']>;
}

/** Decodes the bytes (gzip or not); throws SyntaxError when they are not a package. */
export function decodePackage(bytes: Buffer, maxBytes = 1024 * 1024 * 1024): DecodedPackage {
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes, { maxOutputLength: maxBytes }) : bytes).toString('utf8');
  const lines = text.split('\n');
  const head = JSON.parse(lines[0]) as { manifest?: unknown; signature?: unknown };
  if (typeof head !== 'object' || head === null) throw new SyntaxError('not a package');
  const sections: Record<string, unknown> = {};
  const digests: Partial<Manifest['sections']> = {};
  SECTION_NAMES.forEach((name, i) => {
    const line = lines[i + 1];
    if (line === undefined) return;
    const rows = JSON.parse(line) as unknown;
    sections[name] = rows;
    digests[name] = { rows: Array.isArray(rows) ? rows.length : -1, sha256: crypto.createHash('sha256').update(line).digest('hex') };
  });
  return { raw: { ...head, sections }, digests };
}

/** Sections whose rows, as received, do not match the manifest's count or checksum. */
export function receivedMismatches(manifest: Manifest, digests: Partial<Manifest['sections']>): SectionName[] {
  return SECTION_NAMES.filter((n) => digests[n]?.rows !== manifest.sections[n].rows || digests[n]?.sha256 !== manifest.sections[n].sha256);
}
