/**
 * The Thunderbird/NSS corpus (../shared/corpora/thunderbird-nss, see its PROVENANCE.md): messages written
 * by NSS and OpenSSL, opened with every key the corpus ships (password "nss"), the NSS test CA as the
 * only anchor, the clock pinned inside the certificates' validity, SHA-1 treated as bad. Each case
 * gives the result Thunderbird expects (expectations.json).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8 } from '../../shared/bytes';
import { defaultEnv } from '../../shared/env';
import type { Identity } from '../../shared/keys/identity';
import { importPkcs12 } from '../../shared/keys/pkcs12';
import { createChainValidator } from '../../shared/pki';
import { openMessage } from '../../shared/smime/open';
import type { ChainValidator, SignatureLayer } from '../../shared/smime/verdict';

// The corpora live beside the repository (../shared/corpora), not in it.
const CORPUS = fileURLToPath(new URL('../../../shared/corpora/thunderbird-nss', import.meta.url));
const SMIME = join(CORPUS, 'smime');
// Messages are dated 2026-01-26; the certificates are valid until 2031-01-26.
const env = defaultEnv({ now: () => new Date('2026-02-01T12:00:00Z') });

interface Case {
  file: string;
  encrypted: boolean;
  signed: boolean;
  signatureGood: boolean;
  outerSigner: string | null;
  plaintextContains: string | null;
}

const cases = JSON.parse(readFileSync(join(CORPUS, 'expectations.json'), 'utf8')) as Case[];
const keys: Identity[] = [];
let validateChain: ChainValidator;

beforeAll(async () => {
  for (const f of [
    'Alice.p12',
    'Bob.p12',
    'Dave.p12',
    '../smime-interop/Fran.p12',
    '../smime-interop/Fran-ec.p12',
  ]) {
    keys.push(...(await importPkcs12(readFileSync(join(SMIME, f)), 'nss', env)).identities);
  }
  const anchor = new Uint8Array(
    Buffer.from(readFileSync(join(SMIME, 'TestCA.pem'), 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64'),
  );
  validateChain = createChainValidator({ anchors: [anchor], env });
}, 60_000);

describe('Thunderbird/NSS corpus', () => {
  // The smime-manual folder was not copied into this corpus: its cases cannot run here. They are
  // counted so that a corpus that loses more files fails instead of passing quietly.
  const absent = cases.filter((c) => !existsSync(join(SMIME, c.file)));
  it('has every case of expectations.json but the smime-manual ones', () => {
    expect(absent.map((c) => c.file).every((f) => f.startsWith('../smime-manual/'))).toBe(true);
    expect(cases.length - absent.length).toBeGreaterThanOrEqual(61);
  });
  for (const c of cases) {
    const path = join(SMIME, c.file);
    if (!existsSync(path)) continue;
    it(`${c.file}: ${c.encrypted ? 'encrypted' : 'not encrypted'}, ${c.signed ? (c.signatureGood ? 'good signature' : 'bad signature') : 'not signed'}`, async () => {
      const v = await openMessage(new Uint8Array(readFileSync(path)), { keys, validateChain }, env);
      const counted = v.layers.filter((l): l is SignatureLayer => l.kind === 'signed' && !l.ignored);
      const outer = counted[0]?.signers[0]?.subject?.match(/CN=([^,]+)/)?.[1] ?? null;
      expect({
        encrypted: v.layers.some((l) => l.kind === 'encrypted' && l.contentCipher !== 'unknown'),
        signed: counted.length > 0,
        signatureGood: v.valid,
        outerSigner: outer,
      }).toEqual({
        encrypted: c.encrypted,
        signed: c.signed,
        signatureGood: c.signatureGood,
        outerSigner: c.outerSigner,
      });
      if (c.plaintextContains) expect(fromUtf8(v.content ?? new Uint8Array())).toContain(c.plaintextContains);
      if (v.valid) expect(v.trusted).toBe(true); // the NSS test CA is the anchor
    });
  }
});
