import type { FuzzTarget } from '../target';
import { corpusFiles } from '../corpus';
import { certificateFacts } from '../../../shared/pki/lint-certificate-facts';
import { validatePath } from '../../../shared/pki';
import { defaultEnv } from '../../../shared/env';

const env = defaultEnv({ now: () => new Date('2026-06-01T00:00:00Z'), fetch: undefined });

/** Certificate parsing, the facts lint and address books read, and path validation with itself as anchor. */
export const target: FuzzTarget = {
  name: 'certificate',
  seeds: () => corpusFiles('pkits/certs', /\.crt$/, 30),
  dictionary: [
    '\x06\x03\x55\x1d\x13',
    '\x06\x03\x55\x1d\x0f',
    '\x06\x03\x55\x1d\x11',
    '\x06\x03\x55\x1d\x1e',
    '\x01\x01\xff',
  ],
  async run(data) {
    await certificateFacts(data, env.crypto);
    await validatePath({ certificate: data, anchors: [data], env, policy: { fetchIssuers: false } });
  },
};
