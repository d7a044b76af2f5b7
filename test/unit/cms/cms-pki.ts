/**
 * The OpenSSL-made PKI the CMS tests share (test/helpers/openssl-pki.ts: root -> intermediate ->
 * users with email SAN and SKI), plus each user as a Sello Identity and small openssl wrappers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultEnv, type CoreEnv } from '../../../shared/env';
import type { Identity } from '../../../shared/keys/identity';
import {
  makeOpensslPki,
  openssl,
  type KeyType,
  type OpensslPki,
  type PkiUser,
} from '../../helpers/openssl-pki';

export interface CmsUser extends PkiUser {
  identity: Identity;
}

export interface CmsPki {
  pki: OpensslPki;
  users: Record<string, CmsUser>;
  interDer: Uint8Array;
  file(name: string, data: Uint8Array | string): string;
  read(path: string): Uint8Array;
  openssl(args: string[], input?: Uint8Array | string): Uint8Array;
  /** Removes the temporary folder (keys included). */
  dispose(): void;
}

export const env: CoreEnv = defaultEnv({ now: () => new Date('2026-11-29T10:00:00Z') });

export function makeCmsPki(users: { name: string; keyType: KeyType }[]): CmsPki {
  const dir = mkdtempSync(join(tmpdir(), 'sello-cms-'));
  const pki = makeOpensslPki(dir, users);
  const interDer = new Uint8Array(openssl(['x509', '-in', pki.interPem, '-outform', 'DER']));
  const out: Record<string, CmsUser> = {};
  for (const [name, u] of Object.entries(pki.users)) {
    const privateKey = new Uint8Array(
      openssl(['pkcs8', '-topk8', '-nocrypt', '-in', u.keyPem, '-outform', 'DER']),
    );
    out[name] = { ...u, identity: { certificate: u.certDer, chain: [interDer, pki.rootDer], privateKey } };
  }
  let n = 0;
  return {
    pki,
    users: out,
    interDer,
    file(name, data) {
      const p = join(dir, `${n++}-${name}`);
      writeFileSync(p, data);
      return p;
    },
    read: (p) => new Uint8Array(readFileSync(p)),
    openssl: (args, input) => new Uint8Array(openssl(args, input)),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs openssl and returns { ok, stdout, stderr } instead of throwing. */
export function tryOpenssl(
  args: string[],
  input?: Uint8Array,
): { ok: boolean; stdout: Uint8Array; stderr: string } {
  try {
    return { ok: true, stdout: new Uint8Array(openssl(args, input)), stderr: '' };
  } catch (e) {
    const err = e as { stdout?: Buffer; stderr?: Buffer };
    return { ok: false, stdout: new Uint8Array(err.stdout ?? []), stderr: String(err.stderr ?? '') };
  }
}
