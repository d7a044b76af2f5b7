import { createHash, createHmac, createPrivateKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../../shared/env';
import { isSelloError } from '../../../shared/errors';
import {
  rsaPkcs1v15DecryptImplicit,
  rsaPkcs1v15Encrypt,
  rsaPublicOp,
} from '../../../shared/crypto/rsa-pkcs1v15';
import {
  generateRsaKey,
  opensslDecryptPkcs1,
  opensslEncryptPkcs1,
  readPem,
  removeKey,
  type OpensslRsaKey,
} from './openssl-rsa';

const env = defaultEnv();

/**
 * An independent, straightforward (variable-time) rendering of the synthetic message of
 * draft-irtf-cfrg-rsa-guidance, written from the draft's pseudo-code, to check the constant-time one.
 */
function referenceSynthetic(key: OpensslRsaKey, ciphertext: Uint8Array): Uint8Array {
  const jwk = createPrivateKey(readPem(key.keyPath)).export({ format: 'jwk' });
  const d = Buffer.from(jwk.d!, 'base64url');
  const k = Buffer.from(jwk.n!, 'base64url').length;
  const dPadded = Buffer.concat([Buffer.alloc(k - d.length), d]);
  const c = Buffer.concat([Buffer.alloc(k - ciphertext.length), ciphertext]);
  const kdk = createHmac('sha256', createHash('sha256').update(dPadded).digest()).update(c).digest();
  const prf = (label: string, bytes: number): Buffer => {
    const parts: Buffer[] = [];
    for (let i = 0; parts.length * 32 < bytes; i++) {
      const bits = (bytes * 8) & 0xffff;
      const input = Buffer.concat([
        Buffer.from([i >> 8, i & 0xff]),
        Buffer.from(label),
        Buffer.from([bits >> 8, bits & 0xff]),
      ]);
      parts.push(createHmac('sha256', kdk).update(input).digest());
    }
    return Buffer.concat(parts).subarray(0, bytes);
  };
  const message = prf('message', k);
  const lengths = prf('length', 256);
  const maxSepOffset = k - 10;
  const mask = (1 << maxSepOffset.toString(2).length) - 1;
  let length = 0;
  for (let i = 0; i < 256; i += 2) {
    const candidate = ((lengths[i]! << 8) | lengths[i + 1]!) & mask;
    if (candidate < maxSepOffset) length = candidate;
  }
  return new Uint8Array(message.subarray(k - length));
}

/** Encrypts a hand-made encoded message EM with the raw public operation. */
function encryptRaw(key: OpensslRsaKey, em: Uint8Array): Uint8Array {
  return rsaPublicOp(key.spki, em);
}

function validEm(k: number, message: Uint8Array, psLength = k - message.length - 3): Uint8Array {
  const em = new Uint8Array(k);
  em[1] = 2;
  em.fill(0x5a, 2, 2 + psLength);
  em.set(message, k - message.length);
  return em;
}

describe.each([2048, 3072])('RSAES-PKCS1-v1_5 with a %i-bit key', (bits) => {
  let key: OpensslRsaKey;
  let other: OpensslRsaKey;
  const k = bits / 8;
  const cek = new Uint8Array(32).map((_, i) => i * 7 + 1);

  beforeAll(() => {
    key = generateRsaKey(bits);
    other = generateRsaKey(bits);
  });
  afterAll(() => {
    removeKey(key);
    removeKey(other);
  });

  it('round-trips a content-encryption key', async () => {
    const ct = await rsaPkcs1v15Encrypt(key.spki, cek, env);
    expect(ct.length).toBe(k);
    expect(await rsaPkcs1v15DecryptImplicit(key.pkcs8, ct, env)).toEqual(cek);
  });

  it('pads with fresh randomness: two encryptions of one message differ', async () => {
    const a = await rsaPkcs1v15Encrypt(key.spki, cek, env);
    const b = await rsaPkcs1v15Encrypt(key.spki, cek, env);
    expect(a).not.toEqual(b);
  });

  it('decrypts what openssl pkeyutl encrypted with PKCS#1 v1.5 padding', async () => {
    for (const len of [16, 24, 32, 1, k - 11]) {
      const msg = new Uint8Array(len).map((_, i) => (i * 31 + len) & 0xff);
      const ct = opensslEncryptPkcs1(key, msg);
      expect(await rsaPkcs1v15DecryptImplicit(key.pkcs8, ct, env)).toEqual(msg);
    }
  });

  it('encrypts so that openssl pkeyutl decrypts it', async () => {
    const ct = await rsaPkcs1v15Encrypt(key.spki, cek, env);
    expect(opensslDecryptPkcs1(key, ct)).toEqual(cek);
  });

  it('decrypts an empty message and a ciphertext whose leading zero octets were dropped', async () => {
    expect(
      await rsaPkcs1v15DecryptImplicit(key.pkcs8, opensslEncryptPkcs1(key, new Uint8Array(0)), env),
    ).toEqual(new Uint8Array(0));
    for (;;) {
      const ct = await rsaPkcs1v15Encrypt(key.spki, cek, env);
      if (ct[0] !== 0) continue;
      expect(await rsaPkcs1v15DecryptImplicit(key.pkcs8, ct.subarray(1), env)).toEqual(cek);
      break;
    }
  });

  it('refuses a message longer than k - 11 octets', async () => {
    await expect(rsaPkcs1v15Encrypt(key.spki, new Uint8Array(k - 10), env)).rejects.toSatisfy((e) =>
      isSelloError(e, 'cms.message-too-long'),
    );
  });

  describe('implicit rejection', () => {
    const badEncodings: [string, () => Uint8Array][] = [
      ['a first octet that is not zero', () => Object.assign(validEm(k, cek), { 0: 1 })],
      ['block type 1 instead of 2', () => Object.assign(validEm(k, cek), { 1: 1 })],
      ['no zero separator', () => new Uint8Array(k).fill(0x33).fill(0, 0, 1).fill(2, 1, 2)],
      ['a padding string of 7 octets', () => validEm(k, new Uint8Array(k - 10).fill(9), 7)],
      ['a separator right after the block type', () => validEm(k, new Uint8Array(k - 3).fill(9), 0)],
    ];

    it.each(badEncodings)('returns the synthetic message for %s, deterministically', async (_, make) => {
      const ct = encryptRaw(key, make());
      const first = await rsaPkcs1v15DecryptImplicit(key.pkcs8, ct, env);
      const second = await rsaPkcs1v15DecryptImplicit(key.pkcs8, ct, env);
      expect(second).toEqual(first);
      expect(first).toEqual(referenceSynthetic(key, ct));
      expect(first.length).toBeLessThanOrEqual(k - 10);
    });

    it('accepts the shortest legal padding string (8 octets)', async () => {
      const msg = new Uint8Array(k - 11).fill(0x42);
      const ct = encryptRaw(key, validEm(k, msg, 8));
      expect(await rsaPkcs1v15DecryptImplicit(key.pkcs8, ct, env)).toEqual(msg);
    });

    it('answers a ciphertext made for another key with a synthetic message, not an error', async () => {
      // A ciphertext at or above this key's modulus is refused outright (not a valid RSA input), so
      // draw another key's ciphertexts (randomised padding) until one is below it.
      const n = BigInt(
        `0x${Buffer.from(createPrivateKey(readPem(key.keyPath)).export({ format: 'jwk' }).n!, 'base64url').toString('hex')}`,
      );
      let ct = await rsaPkcs1v15Encrypt(other.spki, cek, env);
      for (let i = 0; i < 64 && BigInt(`0x${Buffer.from(ct).toString('hex')}`) >= n; i++)
        ct = await rsaPkcs1v15Encrypt(other.spki, cek, env);
      const out = await rsaPkcs1v15DecryptImplicit(key.pkcs8, ct, env);
      expect(out).not.toEqual(cek);
      expect(out).toEqual(referenceSynthetic(key, ct));
    });

    it('gives different ciphertexts different synthetic messages of plausible, varying lengths', async () => {
      const outputs = new Set<string>();
      const lengths = new Set<number>();
      for (let i = 0; i < 12; i++) {
        const ct = encryptRaw(
          key,
          new Uint8Array(k).map((_, j) => (j === 0 ? 0 : (i * 131 + j * 17) & 0xff)),
        );
        const out = await rsaPkcs1v15DecryptImplicit(key.pkcs8, ct, env);
        expect(out.length).toBeLessThanOrEqual(k - 10);
        outputs.add(Buffer.from(out).toString('hex'));
        lengths.add(out.length);
      }
      expect(outputs.size).toBe(12);
      expect(lengths.size).toBeGreaterThan(1);
    });

    it('never throws for a ciphertext below the modulus, whatever its padding', async () => {
      for (let i = 0; i < 20; i++) {
        const ct = crypto.getRandomValues(new Uint8Array(k));
        ct[0] = 0;
        await expect(rsaPkcs1v15DecryptImplicit(key.pkcs8, ct, env)).resolves.toBeInstanceOf(Uint8Array);
      }
    });

    it('rejects, as a public check, a ciphertext longer than the modulus or not below it', async () => {
      for (const ct of [new Uint8Array(k + 1), new Uint8Array(k).fill(0xff)]) {
        await expect(rsaPkcs1v15DecryptImplicit(key.pkcs8, ct, env)).rejects.toSatisfy((e) =>
          isSelloError(e, 'cms.decrypt-failed'),
        );
      }
    });
  });
});

describe('RSA key parsing', () => {
  it('refuses an EC private key with a typed error', async () => {
    const { execFileSync } = await import('node:child_process');
    const pem = execFileSync('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
    ]);
    const der = new Uint8Array(
      execFileSync('openssl', ['pkcs8', '-topk8', '-nocrypt', '-outform', 'DER'], { input: pem }),
    );
    await expect(rsaPkcs1v15DecryptImplicit(der, new Uint8Array(256), env)).rejects.toSatisfy((e) =>
      isSelloError(e, 'cms.key-unsupported'),
    );
  });

  it('refuses garbage with a typed error', async () => {
    await expect(
      rsaPkcs1v15Encrypt(new Uint8Array([0x30, 0x03, 1, 2, 3]), new Uint8Array(1), env),
    ).rejects.toSatisfy((e) => isSelloError(e, 'cms.key-malformed'));
  });
});
