import type { FuzzTarget } from '../target';
import { corpusFiles } from '../corpus';
import { importPkcs12 } from '../../../shared/keys/pkcs12';
import { defaultEnv } from '../../../shared/env';

const env = defaultEnv();

/**
 * PKCS#12 import with the corpus password. Iterations are capped low here so the fuzzer explores
 * structure instead of spending seconds in PBKDF; the production cap (10 million) is tested in unit tests.
 */
export const target: FuzzTarget = {
  name: 'pkcs12',
  seeds: () => corpusFiles('thunderbird-nss/smime', /\.p12$/, 10),
  dictionary: ['\x30\x82', '\x06\x09\x2a\x86\x48\x86\xf7\x0d\x01\x0c', '\x02\x02\x08\x00'],
  run: (data) => importPkcs12(data, 'nss', env, { maxIterations: 4096 }),
};
