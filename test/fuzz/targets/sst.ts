import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FuzzTarget } from '../target';
import { CORPORA } from '../corpus';
import { importTrustFile } from '../../../shared/pki/trust-import';
import { defaultEnv } from '../../../shared/env';
import { pemDecodeAll } from '../../../shared/bytes';
import { writeSst } from '../../helpers/sst-writer';

const env = defaultEnv({ now: () => new Date('2026-06-01T00:00:00Z') });

/** Trust-file import: SST stores, P7B bundles, PEM and DER, detected from the bytes. */
export const target: FuzzTarget = {
  name: 'sst',
  seeds: () => {
    const ca = pemDecodeAll(readFileSync(join(CORPORA, 'thunderbird-nss/smime/TestCA.pem'), 'utf8'))[0]!.der;
    return [new Uint8Array(writeSst([ca])), new Uint8Array(writeSst([ca, ca])), ca];
  },
  dictionary: [
    'CERT',
    '\x20\x00\x00\x00\x01\x00\x00\x00',
    '\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00',
    '-----BEGIN CERTIFICATE-----\n',
  ],
  run: (data) => importTrustFile(data, 'fuzz.sst', env),
};
