/**
 * RSA keys made by the openssl command line for the crypto tests, as DER (PKCS#8 and SPKI), plus
 * `openssl pkeyutl` for the interop direction. Nothing here builds key material itself.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface OpensslRsaKey {
  dir: string;
  keyPath: string;
  pkcs8: Uint8Array;
  spki: Uint8Array;
}

function openssl(args: string[], input?: Uint8Array): Uint8Array {
  return new Uint8Array(execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] }));
}

export function generateRsaKey(bits: number): OpensslRsaKey {
  const dir = mkdtempSync(join(tmpdir(), 'sello-rsa-'));
  const keyPath = join(dir, 'key.pem');
  openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', `rsa_keygen_bits:${bits}`, '-out', keyPath]);
  // `openssl pkey -outform DER` writes PKCS#1 for RSA in OpenSSL 3.0; pkcs8 -topk8 writes PKCS#8.
  const pkcs8 = openssl(['pkcs8', '-topk8', '-nocrypt', '-in', keyPath, '-outform', 'DER']);
  const spki = openssl(['pkey', '-in', keyPath, '-pubout', '-outform', 'DER']);
  return { dir, keyPath, pkcs8, spki };
}

export function opensslEncryptPkcs1(key: OpensslRsaKey, message: Uint8Array): Uint8Array {
  const inPath = join(key.dir, 'plain.bin');
  writeFileSync(inPath, message);
  return openssl([
    'pkeyutl',
    '-encrypt',
    '-inkey',
    key.keyPath,
    '-pkeyopt',
    'rsa_padding_mode:pkcs1',
    '-in',
    inPath,
  ]);
}

/** OpenSSL 3.0 still decrypts PKCS#1 v1.5 (with its own implicit rejection only from 3.2 on). */
export function opensslDecryptPkcs1(key: OpensslRsaKey, ciphertext: Uint8Array): Uint8Array {
  const inPath = join(key.dir, 'cipher.bin');
  writeFileSync(inPath, ciphertext);
  return openssl([
    'pkeyutl',
    '-decrypt',
    '-inkey',
    key.keyPath,
    '-pkeyopt',
    'rsa_padding_mode:pkcs1',
    '-in',
    inPath,
  ]);
}

export function readPem(path: string): string {
  return readFileSync(path, 'utf8');
}

export function removeKey(key: OpensslRsaKey): void {
  rmSync(key.dir, { recursive: true, force: true });
}
