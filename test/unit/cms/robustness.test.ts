import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import { describeCms } from '../../../shared/cms/describe-cms';
import { createEnvelopedData, decryptEnvelopedData } from '../../../shared/cms/enveloped-data';
import { createSignedData, verifySignedData } from '../../../shared/cms/signed-data';
import { SelloError } from '../../../shared/errors';
import { env, makeCmsPki, type CmsPki } from './cms-pki';

let p: CmsPki;
const samples: Record<string, Uint8Array> = {};
const secret = 'Plaintext-7f3a9c';
const content = utf8(`${secret}\r\n`);

afterAll(() => p?.dispose());
beforeAll(async () => {
  p = makeCmsPki([
    { name: 'Rsa', keyType: 'rsa2048' },
    { name: 'Ec', keyType: 'p256' },
  ]);
  const base = { content, detached: false, hash: 'SHA-256' as const, pss: false, certificates: [p.interDer] };
  samples.signedRsa = await createSignedData({ ...base, signer: p.users.Rsa!.identity }, env);
  samples.signedEc = await createSignedData({ ...base, signer: p.users.Ec!.identity }, env);
  const recipients = [p.users.Rsa!.certDer, p.users.Ec!.certDer];
  samples.cbc = await createEnvelopedData(
    { content, recipients, cipher: 'aes-128-cbc', keyTransport: 'rsaes-oaep-sha1', recipientId: 'ski' },
    env,
  );
  samples.gcm = await createEnvelopedData(
    {
      content,
      recipients,
      cipher: 'aes-256-gcm',
      keyTransport: 'rsaes-pkcs1-v1_5',
      recipientId: 'issuer-serial',
    },
    env,
  );
});

/** Resolves to true when `run` resolved or failed with a SelloError; anything else is re-thrown. */
async function onlySelloErrors(run: () => Promise<unknown> | unknown): Promise<boolean> {
  try {
    await run();
  } catch (e) {
    if (!(e instanceof SelloError)) throw e;
    expect(e.message).not.toContain(secret);
  }
  return true;
}

const mutation = (len: number) =>
  fc.oneof(
    fc.record({
      kind: fc.constant('flip' as const),
      at: fc.nat(len - 1),
      xor: fc.integer({ min: 1, max: 255 }),
    }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(len - 1) }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(len - 1),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
  );

function mutate(
  der: Uint8Array,
  ms: { kind: string; at: number; xor?: number; bytes?: Uint8Array }[],
): Uint8Array {
  let out = der.slice();
  for (const m of ms) {
    const at = Math.min(m.at, out.length - 1);
    if (m.kind === 'flip') out[at]! ^= m.xor!;
    else if (m.kind === 'cut') out = out.slice(0, at);
    else out = new Uint8Array([...out.subarray(0, at), ...m.bytes!, ...out.subarray(at)]);
    if (out.length === 0) break;
  }
  return out;
}

describe('garbled CMS yields SelloError only', () => {
  for (const name of ['signedRsa', 'signedEc', 'cbc', 'gcm']) {
    it(`mutations of ${name}`, async () => {
      const der = samples[name]!;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation(der.length), { minLength: 1, maxLength: 3 }), async (ms) => {
          const bad = mutate(der, ms);
          await onlySelloErrors(() => describeCms(bad));
          if (name.startsWith('signed')) {
            await onlySelloErrors(() => verifySignedData(bad, { detachedContent: content }, env));
          } else {
            await onlySelloErrors(() => decryptEnvelopedData(bad, p.users.Rsa!.identity, env));
            await onlySelloErrors(() => decryptEnvelopedData(bad, p.users.Ec!.identity, env));
          }
          return true;
        }),
        { numRuns: 150 },
      );
    });
  }

  it('random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        await onlySelloErrors(() => describeCms(bytes));
        await onlySelloErrors(() => verifySignedData(bytes, {}, env));
        await onlySelloErrors(() => decryptEnvelopedData(bytes, p.users.Rsa!.identity, env));
        return true;
      }),
      { numRuns: 300 },
    );
  });
});

describe('describeCms', () => {
  it('summarises a SignedData', () => {
    const d = describeCms(samples.signedEc!);
    expect(d).toMatchObject({
      contentType: 'signedData',
      signed: {
        eContentType: 'data',
        detached: false,
        contentLength: content.length,
        signers: [
          { digestAlgorithm: 'SHA-256', signatureAlgorithm: 'ecdsa-with-SHA256', signedAttributes: true },
        ],
      },
    });
    expect(d.signed!.certificates).toEqual(['ec@interop.example', 'Interop Intermediate']);
  });

  it('summarises an AuthEnvelopedData', () => {
    expect(describeCms(samples.gcm!)).toMatchObject({
      contentType: 'authEnvelopedData',
      encrypted: {
        structure: 'AuthEnvelopedData',
        contentCipher: 'aes-256-gcm',
        weak: false,
        recipients: [
          { kind: 'ktri', keyManagement: 'rsaes-pkcs1-v1_5' },
          { kind: 'kari', keyManagement: 'ecdh-sha256kdf-aes256-wrap' },
        ],
      },
    });
  });

  it('says cms.malformed for what is not CMS', () => {
    expect(() => describeCms(utf8('hello'))).toThrow(expect.objectContaining({ code: 'cms.malformed' }));
  });
});

/** Where each TLV's length field sits (offset and size), walking constructed values recursively. */
function lengthFields(
  der: Uint8Array,
  start = 0,
  end = der.length,
  out: [number, number][] = [],
): [number, number][] {
  let i = start;
  while (i + 2 <= end) {
    const tag = der[i]!;
    if ((tag & 0x1f) === 0x1f) return out; // high tag numbers do not occur in CMS
    const first = der[i + 1]!;
    const size = first < 0x80 ? 1 : 1 + (first & 0x7f);
    let len = first < 0x80 ? first : 0;
    for (let k = 1; k < size; k++) len = len * 256 + der[i + 1 + k]!;
    if (first === 0x80 || i + 1 + size + len > end) return out; // indefinite or broken: stop here
    out.push([i + 1, size]);
    if (tag & 0x20) lengthFields(der, i + 1 + size, i + 1 + size + len, out);
    i += 1 + size + len;
  }
  return out;
}

/** `der` with the length field at `field` replaced by a long-form length of `value`. */
function withLength(
  der: Uint8Array,
  [at, size]: [number, number],
  value: bigint,
  octets: number,
): Uint8Array {
  const field = new Uint8Array(1 + octets);
  field[0] = 0x80 | octets;
  for (let k = 0; k < octets; k++) field[octets - k] = Number((value >> BigInt(8 * k)) & 0xffn);
  return new Uint8Array([...der.subarray(0, at), ...field, ...der.subarray(at + size)]);
}

describe('absurd declared lengths: a typed error in bounded time and memory', () => {
  const absurd = fc.oneof(
    fc.constant([0xffffffffn, 4] as const),
    fc.constant([0x7fffffffn, 4] as const),
    fc.constant([0xffffffffffffffffn, 8] as const),
    fc.bigInt({ min: 1n << 24n, max: (1n << 32n) - 1n }).map((v) => [v, 4] as const),
  );
  for (const name of ['signedRsa', 'cbc', 'gcm']) {
    it(`every length field of ${name}, blown up`, async () => {
      const der = samples[name]!;
      const fields = lengthFields(der);
      expect(fields.length).toBeGreaterThan(20);
      const before = process.memoryUsage();
      await fc.assert(
        fc.asyncProperty(fc.nat(fields.length - 1), absurd, async (which, [value, octets]) => {
          const bad = withLength(der, fields[which]!, value, octets);
          const started = performance.now();
          await onlySelloErrors(() => describeCms(bad));
          if (name.startsWith('signed'))
            await onlySelloErrors(() => verifySignedData(bad, { detachedContent: content }, env));
          else await onlySelloErrors(() => decryptEnvelopedData(bad, p.users.Rsa!.identity, env));
          // Bounded: nothing tries to allocate or walk what the length claims.
          expect(performance.now() - started).toBeLessThan(2_000);
          return true;
        }),
        { numRuns: 120 },
      );
      const after = process.memoryUsage();
      expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
      expect(after.rss - before.rss).toBeLessThan(256 * 1024 * 1024);
    });
  }
});
