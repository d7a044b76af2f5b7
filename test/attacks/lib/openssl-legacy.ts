/**
 * OpenSSL writes what Sello refuses to write (SHA-1/MD5 signatures, 3DES, DES and RC2 content), standing in for an
 * old client or a downgrading attacker.
 */
import { execFileSync } from 'node:child_process';
import { utf8 } from '../../../shared/bytes';
import type { AttackKeys } from './attack-case';
import { headers, type Envelope } from './message';

function smime(args: string[], input: string): string {
  return execFileSync('openssl', ['cms', ...args], { input: utf8(input) }).toString('latin1');
}

/** OpenSSL 3 keeps single DES and RC2 in the legacy provider; load it next to the default one. */
const LEGACY_PROVIDER = ['-provider', 'legacy', '-provider', 'default'];

/** OpenSSL's S/MIME output starts with MIME-Version and Content-Type: put our RFC 5322 fields first. */
function withHeaders(e: Envelope, out: string): Uint8Array {
  return utf8(`${headers(e)}\r\n${out.replace(/\r?\n/g, '\r\n')}`);
}

export function legacySigned(k: AttackKeys, md: 'sha1' | 'md5', entity: string): Uint8Array {
  const out = smime(
    ['-sign', '-binary', '-md', md, '-signer', k.pem.alice, '-inkey', k.pem.aliceKey],
    entity,
  );
  return withHeaders({}, out);
}

export function legacyEncrypted(
  k: AttackKeys,
  cipher: 'des3' | 'des' | 'rc2-40',
  entity: string,
): Uint8Array {
  const provider = cipher === 'des3' ? [] : LEGACY_PROVIDER;
  const out = smime(['-encrypt', '-binary', `-${cipher}`, '-recip', k.pem.bob, ...provider], entity);
  return withHeaders({}, out);
}
