/**
 * The hub's own certificates for HTTPS on the LAN. A small certificate authority (根证书) is made once
 * and kept in the data folder; clinics install and trust it once. The server certificate it signs names
 * the hub PC's current addresses and is re-issued by itself when they change or it nears its end, and
 * the clinics need not do anything again.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, GeneralSubtree, GeneralSubtrees, id_ce_nameConstraints, NameConstraints } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import selfsigned from 'selfsigned';

export const CA_FILE_NAME = 'santong-ca.crt';
const CA_YEARS = 10;
/** Apple devices refuse server certificates valid for more than 825 days. */
const SERVER_DAYS = 800;
const RENEW_BEFORE_DAYS = 30;
const DAY_MS = 86_400_000;

/**
 * What the LAN server accepts: TLS 1.2 or 1.3, forward-secret key exchange (ECDHE) and AEAD ciphers only. Node's
 * defaults also take static-RSA key exchange and CBC with SHA-1 under TLS 1.2. Android 5 and iOS 9 onwards, and
 * Chrome, Edge and Firefox on Windows 7 onwards, speak them (Internet Explorer 11 on Windows 7 does not).
 */
export const TLS_POLICY = {
  minVersion: 'TLSv1.2',
  ciphers: [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    'ECDHE-RSA-CHACHA20-POLY1305',
  ].join(':'),
  honorCipherOrder: true,
} as const;

export interface TlsMaterial {
  key: string;
  cert: string;
  caCert: string;
}

export interface CertificateInfo {
  caFingerprint: string;
  caValidTo: string;
  serverValidTo: string | null;
  names: string[];
  /** The names and address ranges the CA may vouch for; null = a CA made before name constraints (any name). */
  caLimitedTo: string[] | null;
  /** Names this PC answers to that the CA may not vouch for, so the server certificate leaves them out. */
  namesOutsideCa: string[];
}

/**
 * The CA is installed as trusted on every village phone and PC, so a stolen CA key must not be able to vouch for a
 * bank or the insurance bureau's site: its name constraints permit only names a hub can have on its own LAN —
 * localhost, the PC's names (and mDNS .local, home.arpa, .lan, .internal), private and VPN address ranges — plus the
 * names and public addresses it had when the CA was made. Browsers (Chrome, Firefox, Safari) and OpenSSL enforce them.
 */
const LOCAL_DNS_SUFFIXES = ['localhost', 'local', 'lan', 'internal', 'home.arpa'];
const PRIVATE_IPV4_RANGES = ['127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16'];

function caPermittedNames(extraNames: string[]): { dns: string[]; ipRanges: string[] } {
  const { dns, ips } = certificateNames(extraNames);
  const dnsRoots = [...new Set([...LOCAL_DNS_SUFFIXES, ...dns])].filter(
    (name) => !LOCAL_DNS_SUFFIXES.some((root) => name !== root && name.endsWith(`.${root}`)),
  );
  const ownPublic = ips.filter((ip) => !PRIVATE_IPV4_RANGES.some((range) => ipv4InRange(ip, range))).map((ip) => `${ip}/32`);
  return { dns: dnsRoots, ipRanges: [...PRIVATE_IPV4_RANGES, ...ownPublic] };
}

function ipv4ToInt(ip: string): number | null {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isInteger(n) || n < 0 || n > 255)) return null;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function ipv4InRange(ip: string, range: string): boolean {
  const [base, bits] = range.split('/');
  const a = ipv4ToInt(ip);
  const b = ipv4ToInt(base);
  if (a === null || b === null) return false;
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  return (a & mask) === (b & mask);
}

/** The CA's permitted subtrees as text ('local', '10.0.0.0/8'), or null when it has no name constraints. */
function caConstraints(caPem: string): string[] | null {
  const ext = new x509.X509Certificate(caPem).getExtension(id_ce_nameConstraints);
  if (!ext) return null;
  const parsed = AsnConvert.parse(ext.value, NameConstraints);
  return (parsed.permittedSubtrees ?? []).map((t) => t.base.dNSName ?? t.base.iPAddress ?? '').filter(Boolean);
}

/** Whether a CA with these constraints may vouch for a name or address (RFC 5280 4.2.1.10 matching). */
export function permittedByCa(constraints: string[] | null, name: string): boolean {
  if (constraints === null) return true;
  if (ipv4ToInt(name) !== null) return constraints.some((c) => c.includes('/') && ipv4InRange(name, c));
  return constraints.some((c) => !c.includes('/') && (name === c || name.endsWith(`.${c}`)));
}

export const tlsDir = (dataDir: string) => path.join(dataDir, 'tls');

/** IPv4 addresses of this PC on its networks (LAN, VPN), loopback excluded. */
export function lanAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => Boolean(a && a.family === 'IPv4' && !a.internal))
    .map((a) => a.address);
}

/** The names this PC answers to by itself: localhost, its computer name, and that name on mDNS (.local). */
export function ownHostnames(): string[] {
  const host = os.hostname().toLowerCase();
  return ['localhost', host, ...(host && !host.includes('.') ? [`${host}.local`] : [])].filter(Boolean);
}

/** Everything a clinic might type to reach the hub: localhost, the PC's name, its addresses. */
export function certificateNames(extra: string[] = []): { dns: string[]; ips: string[] } {
  const dns = [...new Set([...ownHostnames(), ...extra.map((h) => h.toLowerCase())].filter((h) => /^[a-z0-9.-]+$/.test(h)))];
  return { dns, ips: ['127.0.0.1', ...lanAddresses()] };
}

const files = (dir: string) => ({
  caKey: path.join(dir, 'ca.key'),
  caCert: path.join(dir, CA_FILE_NAME),
  key: path.join(dir, 'server.key'),
  cert: path.join(dir, 'server.crt'),
});

function writePrivate(file: string, text: string): void {
  fs.writeFileSync(file, text, { mode: 0o600 });
}

const fingerprintOf = (x: crypto.X509Certificate) => x.fingerprint256;

function namesOf(cert: crypto.X509Certificate): string[] {
  return (cert.subjectAltName ?? '')
    .split(', ')
    .map((s) => s.replace(/^DNS:/, '').replace(/^IP Address:/, ''))
    .filter(Boolean);
}

function needsNewServerCert(certPem: string, caPem: string, now: Date, wanted: string[]): boolean {
  try {
    const cert = new crypto.X509Certificate(certPem);
    const ca = new crypto.X509Certificate(caPem);
    if (!cert.verify(ca.publicKey)) return true;
    if (Date.parse(cert.validTo) - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return true;
    const have = new Set(namesOf(cert));
    return wanted.some((n) => !have.has(n));
  } catch {
    return true;
  }
}

/** The CA being made, per tls folder: requests that need it while it is made wait for the same one. */
const caBeingMade = new Map<string, Promise<{ caKey: string; caCert: string }>>();

function readCa(dir: string): { caKey: string; caCert: string } | null {
  const f = files(dir);
  try {
    return { caKey: fs.readFileSync(f.caKey, 'utf8'), caCert: fs.readFileSync(f.caCert, 'utf8') };
  } catch {
    return null;
  }
}

/**
 * The hub's CA, made once per data folder: the first caller makes it, everyone else gets that one. Clinics
 * install it as trusted, so two different CAs (20 first downloads at once made 20) would leave all but one of
 * them unable to verify the server.
 */
function ensureCa(dataDir: string, now: Date, extraNames: string[]): Promise<{ caKey: string; caCert: string }> {
  const dir = tlsDir(dataDir);
  const existing = readCa(dir);
  if (existing) return Promise.resolve(existing);
  let making = caBeingMade.get(dir);
  if (!making) {
    making = makeCa(dir, now, extraNames).finally(() => caBeingMade.delete(dir));
    caBeingMade.set(dir, making);
  }
  return making;
}

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };

/** A self-signed CA certificate with name constraints (selfsigned drops extensions it does not know, so it is made here). */
async function generateCa(now: Date, extraNames: string[]): Promise<{ key: string; cert: string }> {
  const subtle = crypto.webcrypto.subtle;
  const keys = (await subtle.generateKey(RSA_SHA256, true, ['sign', 'verify'])) as CryptoKeyPair;
  const permitted = caPermittedNames(extraNames);
  const constraints = new NameConstraints({
    permittedSubtrees: new GeneralSubtrees([
      ...permitted.dns.map((dNSName) => new GeneralSubtree({ base: new GeneralName({ dNSName }) })),
      ...permitted.ipRanges.map((iPAddress) => new GeneralSubtree({ base: new GeneralName({ iPAddress }) })),
    ]),
  });
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      // Positive (high bit clear) and unique per CA.
      serialNumber: `01${crypto.randomBytes(15).toString('hex')}`,
      name: [{ CN: [`三统药品管理 本地根证书 (${os.hostname()})`] }, { O: ['Santong'] }],
      notBefore: new Date(now.getTime() - DAY_MS),
      notAfter: new Date(now.getTime() + CA_YEARS * 365 * DAY_MS),
      keys,
      signingAlgorithm: RSA_SHA256,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        new x509.Extension(id_ce_nameConstraints, true, AsnConvert.serialize(constraints)),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto.webcrypto as Crypto),
      ],
    },
    crypto.webcrypto as Crypto,
  );
  const key = x509.PemConverter.encode(await subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
  return { key, cert: cert.toString('pem') };
}

async function makeCa(dir: string, now: Date, extraNames: string[]): Promise<{ caKey: string; caCert: string }> {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const f = files(dir);
  const ca = await generateCa(now, extraNames);
  // A key without its certificate (a crash between the two writes, or a half-copied folder) is not a CA.
  fs.rmSync(f.caKey, { force: true });
  // Written aside, then renamed: a reader sees the whole key and certificate or nothing, the certificate last.
  const suffix = `.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  writePrivate(f.caKey + suffix, ca.key);
  fs.writeFileSync(f.caCert + suffix, ca.cert);
  fs.renameSync(f.caKey + suffix, f.caKey);
  fs.renameSync(f.caCert + suffix, f.caCert);
  fs.rmSync(f.cert, { force: true });
  return { caKey: ca.key, caCert: ca.cert };
}

/** The CA and a current server certificate for this PC's names and addresses (and `extraNames`), made or renewed as needed. */
export function ensureCertificate(dataDir: string, now: Date, extraNames: string[] = []): Promise<TlsMaterial> {
  // One at a time per folder: two renewals interleaving could leave one's key beside the other's certificate.
  const dir = tlsDir(dataDir);
  const next = (serverCertQueue.get(dir) ?? Promise.resolve()).then(
    () => ensureServerCertificate(dataDir, now, extraNames),
    () => ensureServerCertificate(dataDir, now, extraNames),
  );
  serverCertQueue.set(dir, next);
  return next;
}

const serverCertQueue = new Map<string, Promise<TlsMaterial>>();

async function ensureServerCertificate(dataDir: string, now: Date, extraNames: string[]): Promise<TlsMaterial> {
  const f = files(tlsDir(dataDir));
  const { caKey, caCert } = await ensureCa(dataDir, now, extraNames);

  // A name the CA may not vouch for would make clients refuse the whole certificate, so it is left out (and shown).
  const constraints = caConstraints(caCert);
  const wanted = certificateNames(extraNames);
  const dns = wanted.dns.filter((n) => permittedByCa(constraints, n));
  const ips = wanted.ips.filter((n) => permittedByCa(constraints, n));
  const existing = fs.existsSync(f.cert) && fs.existsSync(f.key) ? fs.readFileSync(f.cert, 'utf8') : null;
  if (!existing || needsNewServerCert(existing, caCert, now, [...dns, ...ips])) {
    const server = await selfsigned.generate([{ name: 'commonName', value: os.hostname() || 'santong' }], {
      keySize: 2048,
      algorithm: 'sha256',
      notBeforeDate: new Date(now.getTime() - DAY_MS),
      notAfterDate: new Date(now.getTime() + SERVER_DAYS * DAY_MS),
      ca: { key: caKey, cert: caCert },
      extensions: [
        { name: 'basicConstraints', cA: false, critical: true },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [...dns.map((value) => ({ type: 2 as const, value })), ...ips.map((ip) => ({ type: 7 as const, ip }))] },
      ],
    });
    writePrivate(f.key, server.private);
    fs.writeFileSync(f.cert, server.cert);
  }
  return { key: fs.readFileSync(f.key, 'utf8'), cert: fs.readFileSync(f.cert, 'utf8'), caCert };
}

/** What the settings page shows about the certificates, or null before any was made. */
export function describeCertificate(dataDir: string, extraNames: string[] = []): CertificateInfo | null {
  const f = files(tlsDir(dataDir));
  try {
    const ca = new crypto.X509Certificate(fs.readFileSync(f.caCert));
    const server = fs.existsSync(f.cert) ? new crypto.X509Certificate(fs.readFileSync(f.cert)) : null;
    const constraints = caConstraints(ca.toString());
    const wanted = certificateNames(extraNames);
    return {
      caFingerprint: fingerprintOf(ca),
      caValidTo: new Date(ca.validTo).toISOString(),
      serverValidTo: server ? new Date(server.validTo).toISOString() : null,
      names: server ? namesOf(server) : [],
      caLimitedTo: constraints,
      namesOutsideCa: [...wanted.dns, ...wanted.ips].filter((n) => !permittedByCa(constraints, n)),
    };
  } catch {
    return null;
  }
}

/** The CA certificate (public), for clinics to download and trust; made on first request. */
export async function caCertificatePem(dataDir: string, now: Date, extraNames: string[] = []): Promise<string> {
  return (await ensureCa(dataDir, now, extraNames)).caCert;
}
