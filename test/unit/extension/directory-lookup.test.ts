/**
 * directoryGatewayUrl and dlExpansionTimeoutMs: the extension's directory client
 * (extension/background/directory-lookup.ts) against the real `sello directory serve` HTTP gateway
 * (shared/directory/gateway) on 127.0.0.1, with an in-memory certificate source.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { equalBytes } from '../../../shared/bytes';
import { defaultEnv } from '../../../shared/env';
import {
  createDirectoryGateway,
  type DirectoryGateway,
} from '../../../shared/directory/gateway/http-gateway';
import type { Identity } from '../../../shared/keys/identity';
import { createDemoCa, createDemoUser } from '../../../shared/smime/demo-pki';
import {
  certificatesFromAnswer,
  directoryQueryUrl,
  lookUpInDirectory,
} from '../../../extension/background/directory-lookup';

const env = defaultEnv();
let bob: Identity;
let gateway: DirectoryGateway;
let base: string;
let slowBase: string;
let slow: DirectoryGateway;

beforeAll(async () => {
  const ca = await createDemoCa(env, { keyType: 'P-256' });
  bob = await createDemoUser(ca, { name: 'Bob', email: 'bob@example.org', keyType: 'P-256' }, env);
  gateway = createDirectoryGateway({
    origins: ['chrome-extension://abcdefghijklmnopabcdefghijklmnop'],
    lookup: async (email) =>
      email === 'bob@example.org'
        ? [{ der: bob.certificate, source: 'userSMIMECertificate', entry: 'CN=Bob' }]
        : [],
  });
  base = `http://127.0.0.1:${await gateway.listen(0, '127.0.0.1')}/`;
  slow = createDirectoryGateway({
    origins: ['chrome-extension://abcdefghijklmnopabcdefghijklmnop'],
    lookup: () => new Promise((r) => setTimeout(() => r([]), 3000)),
  });
  slowBase = `http://127.0.0.1:${await slow.listen(0, '127.0.0.1')}`;
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await slow?.close();
});

describe('directory gateway lookups', () => {
  it('asks GET {url}/certificates?email= and returns the DER certificates the gateway serves', async () => {
    expect(directoryQueryUrl('https://dir.example.com/sello/', 'a+b@example.org')).toBe(
      'https://dir.example.com/sello/certificates?email=a%2Bb%40example.org',
    );
    const found = await lookUpInDirectory(base, ['bob@example.org', 'nobody@example.org'], 5000);
    expect(found.get('bob@example.org')).toHaveLength(1);
    expect(equalBytes(found.get('bob@example.org')![0]!, bob.certificate)).toBe(true);
    expect(found.get('nobody@example.org')).toEqual([]);
  });

  it('does not ask anybody when directoryGatewayUrl is empty', async () => {
    let asked = 0;
    const fake = (async () => {
      asked++;
      return new Response('{}');
    }) as typeof fetch;
    expect((await lookUpInDirectory('', ['bob@example.org'], 5000, fake)).size).toBe(0);
    expect(asked).toBe(0);
  });

  it('gives up after dlExpansionTimeoutMs: a slow directory yields no certificate', async () => {
    const t0 = Date.now();
    const found = await lookUpInDirectory(slowBase, ['bob@example.org'], 200);
    expect(found.size).toBe(0);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it('refuses an answer that is not the gateway shape', () => {
    expect(() => certificatesFromAnswer({ nope: 1 })).toThrow();
    expect(certificatesFromAnswer({ certificates: [{ pem: 'not pem' }, { x: 1 }] })).toEqual([]);
  });
});
