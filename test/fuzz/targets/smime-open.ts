import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzTarget } from '../target';
import { CORPORA, corpusFiles } from '../corpus';
import { importPkcs12 } from '../../../shared/keys/pkcs12';
import { openMessage } from '../../../shared/smime/open';
import { defaultEnv } from '../../../shared/env';
import type { Identity } from '../../../shared/keys/identity';
import { makeAttackSeeds } from '../attack-seeds';

const env = defaultEnv({ now: () => new Date('2026-06-01T00:00:00Z') });
const bob: Identity = (
  await importPkcs12(new Uint8Array(readFileSync(join(CORPORA, 'thunderbird-nss/smime/Bob.p12'))), 'nss', env)
).identities[0]!;

// The attack-case messages (and a CBC and a GCM message) with the key they are encrypted to.
const own = await makeAttackSeeds();

/** Opening a message end to end (MIME, CMS signed and enveloped data, decryption with Bob's key). */
export const target: FuzzTarget = {
  name: 'smime-open',
  seeds: () => [...own.messages, ...corpusFiles('thunderbird-nss/smime', /^alice\..*\.eml$/, 24)],
  dictionary: [
    'application/pkcs7-mime',
    'multipart/signed',
    'smime-type=enveloped-data',
    '\x30\x80',
    '\x00\x00',
  ],
  run: (data) => openMessage(data, { keys: [bob, own.reader] }, env),
};
