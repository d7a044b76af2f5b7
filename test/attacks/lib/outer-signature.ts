/**
 * A signature over the ciphertext, written by OpenSSL as a mail gateway (or anyone who intercepts the
 * message) would: `openssl cms -sign` around the whole application/pkcs7-mime entity. The signer never
 * saw the plaintext, so the signature says nothing about who wrote it (Davis 2001: encrypt-then-sign
 * lets anyone replace the signature with their own).
 */
import { execFileSync } from 'node:child_process';
import { utf8 } from '../../../shared/bytes';
import type { AttackKeys } from './attack-case';
import { bodyOf, headers, type Envelope } from './message';

/** `encrypted`: a whole encrypted message; the result keeps its envelope `e` and is signed by Eve. */
export function eveSignsCiphertext(k: AttackKeys, e: Envelope, encrypted: Uint8Array): Uint8Array {
  const out = execFileSync('openssl', ['cms', '-sign', '-signer', k.pem.eve, '-inkey', k.pem.eveKey], {
    input: utf8(bodyOf(encrypted)),
  }).toString('latin1');
  // OpenSSL's output starts with MIME-Version and Content-Type: the RFC 5322 fields go first.
  return utf8(`${headers(e)}\r\n${out.replace(/\r?\n/g, '\r\n')}`);
}
