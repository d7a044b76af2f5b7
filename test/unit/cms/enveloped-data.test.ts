import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import { createEnvelopedData, decryptEnvelopedData } from '../../../shared/cms/enveloped-data';
import { DECRYPT_FAILED_MESSAGE } from '../../../shared/cms/decrypt-failure';
import { isSelloError } from '../../../shared/errors';
import { env, makeCmsPki, tryOpenssl, type CmsPki } from './cms-pki';

let p: CmsPki;
afterAll(() => p?.dispose());
beforeAll(() => {
  p = makeCmsPki([
    { name: 'Rsa', keyType: 'rsa2048' },
    { name: 'Rsa3k', keyType: 'rsa3072' },
    { name: 'Ec256', keyType: 'p256' },
    { name: 'Ec384', keyType: 'p384' },
  ]);
});

const content = utf8(
  'Content-Type: text/plain; charset=utf-8\r\n\r\nSecret \u2603 for the recipients only.\r\n'.repeat(7),
);

function opensslDecrypt(der: Uint8Array, user: string) {
  const u = p.users[user]!;
  return tryOpenssl(['cms', '-decrypt', '-binary', '-inform', 'DER', '-in', p.file('enc.der', der), '-recip',
    u.certPem, '-inkey', u.keyPem]); // prettier-ignore
}

function opensslEncrypt(args: string[]): Uint8Array {
  return p.openssl([
    'cms',
    '-encrypt',
    '-binary',
    '-in',
    p.file('plain.bin', content),
    '-outform',
    'DER',
    ...args,
  ]);
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (e) {
    if (!isSelloError(e)) throw e;
    return { code: e.code, message: e.message };
  }
  throw new Error('expected a failure');
}

const ciphers = ['aes-256-cbc', 'aes-128-cbc', 'aes-256-gcm', 'aes-128-gcm'] as const;
const transports = ['rsaes-pkcs1-v1_5', 'rsaes-oaep-sha1', 'rsaes-oaep-sha256'] as const;
const ids = ['issuer-serial', 'ski'] as const;

describe('createEnvelopedData, decrypted by openssl cms -decrypt', () => {
  for (const cipher of ciphers) {
    for (const keyTransport of transports) {
      for (const recipientId of ids) {
        it(`RSA ${cipher} ${keyTransport} ${recipientId}`, async () => {
          const der = await createEnvelopedData(
            { content, recipients: [p.users.Rsa!.certDer], cipher, keyTransport, recipientId },
            env,
          );
          const r = opensslDecrypt(der, 'Rsa');
          expect(r.stderr).toBe('');
          expect(r.stdout).toEqual(content);
          const ours = await decryptEnvelopedData(der, p.users.Rsa!.identity, env);
          expect(ours).toMatchObject({
            content,
            structure: cipher.endsWith('gcm') ? 'AuthEnvelopedData' : 'EnvelopedData',
            contentCipher: cipher,
            keyManagement: keyTransport,
            weak: false,
            recipientCount: 1,
          });
        });
      }
    }
    for (const user of ['Ec256', 'Ec384']) {
      for (const recipientId of ids) {
        it(`EC ${user} ${cipher} ${recipientId} (KARI, sha256kdf)`, async () => {
          const der = await createEnvelopedData(
            {
              content,
              recipients: [p.users[user]!.certDer],
              cipher,
              keyTransport: 'rsaes-oaep-sha256',
              recipientId,
            },
            env,
          );
          const r = opensslDecrypt(der, user);
          expect(r.stderr).toBe('');
          expect(r.stdout).toEqual(content);
          const ours = await decryptEnvelopedData(der, p.users[user]!.identity, env);
          expect(ours.content).toEqual(content);
          expect(ours.keyManagement).toBe(`ecdh-sha256kdf-aes${cipher.includes('256') ? 256 : 128}-wrap`);
        });
      }
    }
  }

  it('encrypts to several recipients, RSA and EC, each of whom can decrypt', async () => {
    const names = ['Rsa', 'Rsa3k', 'Ec256', 'Ec384'];
    const der = await createEnvelopedData(
      {
        content,
        recipients: names.map((n) => p.users[n]!.certDer),
        cipher: 'aes-256-gcm',
        keyTransport: 'rsaes-oaep-sha256',
        recipientId: 'issuer-serial',
      },
      env,
    );
    for (const n of names) {
      expect(opensslDecrypt(der, n).stdout).toEqual(content);
      const ours = await decryptEnvelopedData(der, p.users[n]!.identity, env);
      expect(ours).toMatchObject({ content, recipientCount: 4 });
    }
  });

  it('refuses loudly a recipient whose key cannot receive a content key, naming it', async () => {
    const key = p.file('ed.key', '');
    const cert = p.file('ed.pem', '');
    p.openssl(['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', key, '-out', cert, '-subj',
      '/CN=Edwards/emailAddress=edwards@interop.example', '-addext', 'subjectAltName=email:edwards@interop.example']); // prettier-ignore
    const der = p.openssl(['x509', '-in', cert, '-outform', 'DER']);
    const e = await failure(
      createEnvelopedData(
        {
          content,
          recipients: [p.users.Rsa!.certDer, der],
          cipher: 'aes-256-cbc',
          keyTransport: 'rsaes-oaep-sha256',
          recipientId: 'issuer-serial',
        },
        env,
      ),
    );
    expect(e.code).toBe('cms.recipient-key-missing');
    expect(e.message).toContain('edwards@interop.example');
  });
});

describe('decryptEnvelopedData on messages made by openssl cms -encrypt', () => {
  const rsaCases: { name: string; args: string[]; cipher: string; km: string; structure: string }[] = [
    {
      name: '-aes256, PKCS#1 v1.5',
      args: ['-aes256'],
      cipher: 'aes-256-cbc',
      km: 'rsaes-pkcs1-v1_5',
      structure: 'EnvelopedData',
    },
    {
      name: '-aes128, PKCS#1 v1.5, -keyid',
      args: ['-aes128', '-keyid'],
      cipher: 'aes-128-cbc',
      km: 'rsaes-pkcs1-v1_5',
      structure: 'EnvelopedData',
    },
    {
      name: '-aes-256-gcm',
      args: ['-aes-256-gcm'],
      cipher: 'aes-256-gcm',
      km: 'rsaes-pkcs1-v1_5',
      structure: 'AuthEnvelopedData',
    },
    {
      name: '-aes-128-gcm',
      args: ['-aes-128-gcm'],
      cipher: 'aes-128-gcm',
      km: 'rsaes-pkcs1-v1_5',
      structure: 'AuthEnvelopedData',
    },
    {
      name: '-aes256 OAEP (SHA-1)',
      args: ['-aes256', '@recip', '-keyopt', 'rsa_padding_mode:oaep'],
      cipher: 'aes-256-cbc',
      km: 'rsaes-oaep-sha1',
      structure: 'EnvelopedData',
    },
    {
      name: '-aes-256-gcm OAEP SHA-256',
      args: [
        '-aes-256-gcm',
        '@recip',
        '-keyopt',
        'rsa_padding_mode:oaep',
        '-keyopt',
        'rsa_oaep_md:sha256',
        '-keyopt',
        'rsa_mgf1_md:sha256',
      ],
      cipher: 'aes-256-gcm',
      km: 'rsaes-oaep-sha256',
      structure: 'AuthEnvelopedData',
    },
  ];
  for (const c of rsaCases) {
    it(`RSA ${c.name}`, async () => {
      const u = p.users.Rsa!;
      const at = c.args.indexOf('@recip');
      const args =
        at < 0
          ? [...c.args, '-recip', u.certPem]
          : [...c.args.slice(0, at), '-recip', u.certPem, ...c.args.slice(at + 1)];
      const der = opensslEncrypt(args);
      const r = await decryptEnvelopedData(der, u.identity, env);
      expect(r).toMatchObject({
        content,
        contentCipher: c.cipher,
        keyManagement: c.km,
        structure: c.structure,
        weak: false,
      });
    });
  }

  for (const user of ['Ec256', 'Ec384']) {
    for (const kdf of ['default', 'sha256', 'sha384']) {
      for (const cipher of ['-aes256', '-aes-128-gcm']) {
        it(`EC ${user} ${cipher} KDF ${kdf}`, async () => {
          const u = p.users[user]!;
          const der = opensslEncrypt([
            cipher,
            '-recip',
            u.certPem,
            ...(kdf === 'default' ? [] : ['-keyopt', `ecdh_kdf_md:${kdf}`]),
          ]);
          const r = await decryptEnvelopedData(der, u.identity, env);
          expect(r.content).toEqual(content);
          expect(r.keyManagement).toMatch(
            new RegExp(`^ecdh-${kdf === 'default' ? 'sha1' : kdf}kdf-aes(128|256)-wrap$`),
          );
        });
      }
    }
  }

  it('reads 3DES content and reports it as weak', async () => {
    const der = opensslEncrypt(['-des3', '-recip', p.users.Rsa!.certPem]);
    const r = await decryptEnvelopedData(der, p.users.Rsa!.identity, env);
    expect(r).toMatchObject({ content, contentCipher: 'des-ede3-cbc', weak: true });
  });

  it('finds its own entry among several recipients of mixed kinds', async () => {
    const der = opensslEncrypt(['-aes-256-gcm', '-recip', p.users.Ec256!.certPem, '-recip', p.users.Rsa3k!.certPem,
      '-keyopt', 'rsa_padding_mode:oaep', '-recip', p.users.Rsa!.certPem, '-recip', p.users.Ec384!.certPem]); // prettier-ignore
    for (const n of ['Ec256', 'Rsa3k', 'Rsa', 'Ec384']) {
      const r = await decryptEnvelopedData(der, p.users[n]!.identity, env);
      expect(r).toMatchObject({ content, recipientCount: 4 });
    }
  });
});

describe('decryption failures give nothing away', () => {
  it('a message for someone else is cms.no-recipient', async () => {
    const der = opensslEncrypt(['-aes256', '-recip', p.users.Rsa!.certPem]);
    const e = await failure(decryptEnvelopedData(der, p.users.Rsa3k!.identity, env));
    expect(e.code).toBe('cms.no-recipient');
  });

  it('every failure after recipient matching is one code with one message', async () => {
    const rsa = p.users.Rsa!;
    const seen: { code: string; message: string }[] = [];
    // CBC: flipping the top bit of the second-to-last block's last byte always breaks the padding.
    const cbc = opensslEncrypt(['-aes256', '-recip', rsa.certPem]);
    const badPad = cbc.slice();
    badPad[badPad.length - 17]! ^= 0x80;
    seen.push(await failure(decryptEnvelopedData(badPad, rsa.identity, env)));
    // GCM: the tag is the last element.
    const gcm = await createEnvelopedData(
      {
        content,
        recipients: [rsa.certDer],
        cipher: 'aes-256-gcm',
        keyTransport: 'rsaes-pkcs1-v1_5',
        recipientId: 'ski',
      },
      env,
    );
    const badTag = gcm.slice();
    badTag[badTag.length - 1]! ^= 1;
    seen.push(await failure(decryptEnvelopedData(badTag, rsa.identity, env)));
    const badBody = gcm.slice();
    badBody[badBody.length - 40]! ^= 1;
    seen.push(await failure(decryptEnvelopedData(badBody, rsa.identity, env)));
    // PKCS#1 v1.5 with a damaged encrypted key: implicit rejection, then the content fails the same way.
    const der = gcm.slice();
    const keyAt = findEncryptedKey(der, 256);
    der[keyAt + 100]! ^= 0x42;
    seen.push(await failure(decryptEnvelopedData(der, rsa.identity, env)));
    // OAEP with a damaged encrypted key.
    const oaep = await createEnvelopedData(
      {
        content,
        recipients: [rsa.certDer],
        cipher: 'aes-128-cbc',
        keyTransport: 'rsaes-oaep-sha256',
        recipientId: 'issuer-serial',
      },
      env,
    );
    oaep[findEncryptedKey(oaep, 256) + 7]! ^= 1;
    seen.push(await failure(decryptEnvelopedData(oaep, rsa.identity, env)));
    // The right certificate with the wrong private key.
    const impostor = { ...rsa.identity, privateKey: p.users.Rsa3k!.identity.privateKey };
    seen.push(await failure(decryptEnvelopedData(gcm, impostor, env)));
    // EC: damaged wrapped key.
    const ec = await createEnvelopedData(
      {
        content,
        recipients: [p.users.Ec256!.certDer],
        cipher: 'aes-256-cbc',
        keyTransport: 'rsaes-oaep-sha256',
        recipientId: 'ski',
      },
      env,
    );
    ec[findEncryptedKey(ec, 40) + 3]! ^= 1;
    seen.push(await failure(decryptEnvelopedData(ec, p.users.Ec256!.identity, env)));

    expect(seen).toHaveLength(7);
    for (const s of seen) expect(s).toEqual({ code: 'cms.decrypt-failed', message: DECRYPT_FAILED_MESSAGE });
  });
});

/** Offset of the contents of the first OCTET STRING of exactly `length` bytes (the encrypted key). */
function findEncryptedKey(der: Uint8Array, length: number): number {
  const header = length < 128 ? [0x04, length] : [0x04, 0x82, length >> 8, length & 0xff];
  for (let i = 0; i < der.length - header.length; i++) {
    if (header.every((b, k) => der[i + k] === b)) return i + header.length;
  }
  throw new Error('no encrypted key found');
}

describe('recipient identifiers', () => {
  it('names a recipient whose certificate has no subjectKeyIdentifier by issuer and serial', async () => {
    const key = p.file('noski.key', '');
    const csr = p.file('noski.csr', '');
    const cert = p.file('noski.pem', '');
    p.openssl([
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-subj',
      '/CN=No Ski',
      '-out',
      csr,
    ]);
    p.openssl(['x509', '-req', '-in', csr, '-signkey', key, '-out', cert]);
    const certDer = p.openssl(['x509', '-in', cert, '-outform', 'DER']);
    const der = await createEnvelopedData(
      {
        content,
        recipients: [certDer, p.users.Rsa!.certDer],
        cipher: 'aes-128-gcm',
        keyTransport: 'rsaes-oaep-sha1',
        recipientId: 'ski',
      },
      env,
    );
    const r = tryOpenssl([
      'cms',
      '-decrypt',
      '-binary',
      '-inform',
      'DER',
      '-in',
      p.file('e.der', der),
      '-recip',
      cert,
      '-inkey',
      key,
    ]);
    expect(r.stdout).toEqual(content);
    expect(opensslDecrypt(der, 'Rsa').stdout).toEqual(content);
  });
});

describe('streamed encodings', () => {
  it('decrypts indefinite-length BER from openssl -stream', async () => {
    const der = p.openssl(['cms', '-encrypt', '-binary', '-stream', '-in', p.file('plain.bin', content), '-outform',
      'DER', '-aes256', '-recip', p.users.Ec256!.certPem]); // prettier-ignore
    const r = await decryptEnvelopedData(der, p.users.Ec256!.identity, env);
    expect(r.content).toEqual(content);
  });
});
