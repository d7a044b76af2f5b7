import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzTarget } from '../target';
import { CORPORA, corpusFiles } from '../corpus';
import { decryptEnvelopedData, describeCms, verifySignedData } from '../../../shared/cms';
import { importPkcs12 } from '../../../shared/keys/pkcs12';
import { defaultEnv } from '../../../shared/env';
import { isExpectedFailure } from '../target';
import { makeAttackSeeds } from '../attack-seeds';

function rethrowUnexpected(e: unknown): void {
  if (!isExpectedFailure(e)) throw e;
}

const env = defaultEnv({ now: () => new Date('2026-06-01T00:00:00Z') });
const bob = (
  await importPkcs12(new Uint8Array(readFileSync(join(CORPORA, 'thunderbird-nss/smime/Bob.p12'))), 'nss', env)
).identities[0]!;

// The target's own key: the CBC, GCM and attack-case seeds are encrypted to it, so mutations reach key
// transport, content decryption and padding/tag checks (RFC 4134's samples are for other keys).
const own = await makeAttackSeeds();

/** CMS parse, verify and decrypt on raw DER (signed-data, enveloped and auth-enveloped data). */
export const target: FuzzTarget = {
  name: 'cms',
  seeds: () => [...own.cms, ...corpusFiles('rfc4134/data', /^[3-7]\.\d+\.bin$/, 20)],
  dictionary: [
    '\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02',
    '\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x07\x03',
    '\x30\x80',
    '\xa0\x80',
  ],
  async run(data) {
    try {
      describeCms(data);
    } catch (e) {
      rethrowUnexpected(e);
    }
    // Each stage on its own: a typed refusal by one must not hide a crash in the next.
    await verifySignedData(data, {}, env).catch(rethrowUnexpected);
    await decryptEnvelopedData(data, bob, env).catch(rethrowUnexpected);
    await decryptEnvelopedData(data, own.reader, env);
  },
};
