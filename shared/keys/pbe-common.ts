/** What the password-based schemes (PBES1, PKCS#12 PBE, PBES2) share: errors, limits, results. */
import { SelloError } from '../errors';

export interface Pkcs12Limits {
  /**
   * Largest iteration count honoured in a KDF or MAC. A file is attacker-chosen input: without a cap a
   * count of 2^31 turns "open this file" into minutes of CPU. 10^7 is well above any writer's default
   * (OpenSSL 3: 2048 for the MAC, 2048 for PBKDF2; Sello writes 600000).
   */
  maxIterations: number;
  /** Largest input accepted, in bytes. A certificate and key are a few KB; chains with CRLs rarely 1 MB. */
  maxBytes: number;
}

export const DEFAULT_PKCS12_LIMITS: Pkcs12Limits = { maxIterations: 10_000_000, maxBytes: 16 * 1024 * 1024 };

export interface PbeDecryption {
  plaintext: Uint8Array;
  /** The scheme is one a modern writer would not choose (PBES1, PKCS#12 PBE, DES, 3DES, RC2). */
  legacy: boolean;
}

export function malformed(detail = 'The file is not a well-formed PKCS#12 (PFX) file.'): SelloError {
  return new SelloError('pkcs12.malformed', detail);
}

export function wrongPassword(): SelloError {
  return new SelloError('pkcs12.wrong-password', 'The password is wrong, or the file is damaged.');
}

export function unsupported(what: string, oid: string): SelloError {
  return new SelloError(
    'pkcs12.unsupported',
    `The file uses ${what} (${oid}), which Sello does not support.`,
  );
}

export function checkIterations(iterations: number, limits: Pkcs12Limits): void {
  if (iterations < 1) throw malformed();
  if (iterations > limits.maxIterations) {
    throw new SelloError(
      'pkcs12.unsupported',
      `The file asks for ${iterations} key-derivation iterations, more than the limit of ${limits.maxIterations}.`,
    );
  }
}

export const OID_NAMES: Record<string, string> = {
  '1.2.840.113549.1.12.1.1': 'pbeWithSHAAnd128BitRC4',
  '1.2.840.113549.1.12.1.2': 'pbeWithSHAAnd40BitRC4',
  '1.2.840.113549.1.5.1': 'pbeWithMD2AndDES-CBC',
  '1.2.840.113549.1.5.4': 'pbeWithMD2AndRC2-CBC',
  '1.2.840.113549.1.5.14': 'PBMAC1',
  '1.2.840.113549.1.5.13': 'PBES2',
  '1.2.840.113549.1.5.12': 'PBKDF2',
  '1.2.840.113549.1.7.2': 'signedData (public-key integrity mode)',
  '1.2.840.113549.1.7.3': 'envelopedData (public-key privacy mode)',
  '1.2.840.113549.2.8': 'hmacWithSHA224',
  '1.3.6.1.4.1.11591.4.11': 'scrypt',
  '1.2.840.113549.2.5': 'MD5',
  '1.2.840.113549.2.2': 'MD2',
};

export function nameOf(oid: string, fallback: string): string {
  return OID_NAMES[oid] ?? fallback;
}
