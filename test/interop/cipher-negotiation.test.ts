/**
 * encryptionAlgorithmNegotiation end to end in Node, with OpenSSL as the correspondent's client:
 * a message `openssl cms -sign` made (its default SMIMECapabilities list AES-CBC and legacy ciphers,
 * no GCM, like Outlook's) is opened and chain-validated, harvested into an address book, and the
 * content cipher for a reply follows: 'strong-only' turns a GCM default into AES-256-CBC for this
 * correspondent (and OpenSSL reads the result), 'block' keeps GCM.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../../shared/bytes';
import { OID } from '../../shared/cms/algorithms';
import { createAddressBook } from '../../shared/directory/address-book';
import { createMemoryAddressBookStore } from '../../shared/directory/address-book-store';
import { harvestVerdict } from '../../shared/directory/harvest';
import { defaultEnv } from '../../shared/env';
import { createChainValidator } from '../../shared/pki/chain-validator';
import { encryptMessage } from '../../shared/smime/encrypt';
import { openMessage } from '../../shared/smime/open';
import { contentCipherFor, encryptOptionsFrom } from '../../shared/smime/send-options';
import { verdictToJSON } from '../../shared/smime/verdict';
import { makeOpensslPki, openssl, type OpensslPki, type PkiUser } from '../helpers/openssl-pki';

const env = defaultEnv();
let dir: string;
let pki: OpensslPki;
let alice: PkiUser;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sello-negotiation-'));
  pki = makeOpensslPki(dir, [{ name: 'Alice', keyType: 'rsa2048' }]);
  alice = pki.users.Alice!;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const settings = (negotiation: 'block' | 'strong-only') =>
  ({
    encryptionAlgorithm: 'aes-256-gcm',
    encryptionAlgorithmNegotiation: negotiation,
    keyTransport: 'rsaes-pkcs1-v1_5',
    useKeyIdentifier: false,
  }) as const;

describe('cipher negotiation with a correspondent whose client is OpenSSL', () => {
  it('harvests OpenSSL’s SMIMECapabilities and answers in AES-256-CBC instead of GCM', async () => {
    const body = join(dir, 'body.txt');
    writeFileSync(body, 'Content-Type: text/plain\r\n\r\nHello from OpenSSL.\r\n');
    const signed = new Uint8Array(
      openssl(['cms', '-sign', '-in', body, '-signer', alice.certPem, '-inkey', alice.keyPem, '-certfile',
        alice.chainPem, '-md', 'sha256', '-crlfeol', '-from', alice.email, '-to', 'bob@interop.example',
        '-subject', 'capabilities']), // prettier-ignore
    );
    const validateChain = createChainValidator({ anchors: [pki.rootDer], env });
    const verdict = await openMessage(signed, { keys: [], validateChain }, env);
    expect(verdict.errors).toEqual([]);
    expect(verdict.valid).toBe(true);
    expect(verdict.trusted).toBe(true);
    const caps = verdictToJSON(verdict).signers[0]?.capabilities;
    expect(caps).toContain(OID.aes256Cbc);
    expect(caps).not.toContain(OID.aes256Gcm);
    expect(caps).not.toContain(OID.aes128Gcm);

    const book = createAddressBook({ store: createMemoryAddressBookStore(), env });
    await harvestVerdict(book, verdict);
    expect(await book.certificatesFor(alice.email)).toHaveLength(1);
    const known = await book.capabilitiesFor(alice.email);
    expect(known).toEqual(caps);

    expect(contentCipherFor(settings('strong-only'), [known])).toBe('aes-256-cbc');
    expect(contentCipherFor(settings('block'), [known])).toBe('aes-256-gcm');
    // Another recipient nobody has heard from does not change the choice.
    expect(contentCipherFor(settings('strong-only'), [known, undefined])).toBe('aes-256-cbc');

    // The reply is an EnvelopedData with AES-256-CBC that Alice's OpenSSL opens.
    const reply = utf8('Content-Type: text/plain\r\n\r\nHello back, in a cipher you read.\r\n');
    const encrypted = await encryptMessage(
      reply,
      [alice.certDer],
      encryptOptionsFrom(settings('strong-only'), [known]),
      env,
    );
    const file = join(dir, 'reply.eml');
    writeFileSync(file, encrypted);
    const printed = openssl(['cms', '-cmsout', '-print', '-in', file]).toString();
    expect(printed).toContain('aes-256-cbc');
    expect(printed).not.toContain('aes-256-gcm');
    const decrypted = openssl([
      'cms',
      '-decrypt',
      '-in',
      file,
      '-recip',
      alice.certPem,
      '-inkey',
      alice.keyPem,
    ]);
    expect(fromUtf8(new Uint8Array(decrypted))).toContain('Hello back, in a cipher you read.');
  });
});
