/**
 * The prefecture server's own HTTPS: the certificate and key files an administrator was issued (the 医保/卫健 private
 * network's CA, or any public one), read and checked at start so a wrong pair stops the server with a sentence, not a
 * TLS error on the first hub's send. A reverse proxy in front remains possible; then start without them.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';

export interface TlsFiles {
  cert: string;
  key: string;
}

export function readTlsFiles(certFile: string, keyFile: string): TlsFiles {
  const read = (file: string, what: string) => {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`无法读取${what}文件 ${file}：${(err as Error).message}`);
    }
  };
  const cert = read(certFile, '证书');
  const key = read(keyFile, '私钥');
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(cert);
  } catch {
    throw new Error(`${certFile} 不是 PEM 格式的证书`);
  }
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch {
    throw new Error(`${keyFile} 不是 PEM 格式的私钥（加密的私钥请先解密）`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new Error(`私钥 ${keyFile} 与证书 ${certFile} 不配对`);
  return { cert, key };
}
