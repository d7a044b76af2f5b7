/**
 * encryptionAlgorithmNegotiation: which content cipher a message gets from the configured
 * encryptionAlgorithm and the recipients' SMIMECapabilities (shared/smime/send-options.ts
 * contentCipherFor), every branch; and that encryptOptionsFrom carries the choice.
 */
import { describe, expect, it } from 'vitest';
import { OID } from '../../../shared/cms/algorithms';
import type { Settings } from '../../../shared/policy/settings-definition';
import { contentCipherFor, encryptOptionsFrom } from '../../../shared/smime/send-options';

type Cipher = Settings['encryptionAlgorithm'];
const strong = (encryptionAlgorithm: Cipher) =>
  ({ encryptionAlgorithm, encryptionAlgorithmNegotiation: 'strong-only' }) as const;
const block = (encryptionAlgorithm: Cipher) =>
  ({ encryptionAlgorithm, encryptionAlgorithmNegotiation: 'block' }) as const;

// What OpenSSL (and Outlook) advertise: AES-CBC and legacy ciphers, no GCM.
const OUTLOOK = [OID.aes256Cbc, OID.aes192Cbc, OID.aes128Cbc, OID.desEde3Cbc, OID.rc2Cbc];
// What Sello advertises (signed-attributes.ts smimeCapabilities).
const SELLO = [OID.aes256Gcm, OID.aes128Gcm, OID.aes256Cbc, OID.aes128Cbc, OID.rsaesOaep];
const LEGACY_ONLY = [OID.desEde3Cbc, OID.rc2Cbc];

describe('contentCipherFor', () => {
  it('block: always the configured cipher, whatever the recipients advertise', () => {
    expect(contentCipherFor(block('aes-256-gcm'), [OUTLOOK])).toBe('aes-256-gcm');
    expect(contentCipherFor(block('aes-128-gcm'), [LEGACY_ONLY, []])).toBe('aes-128-gcm');
    expect(contentCipherFor(block('aes-128-cbc'), [SELLO])).toBe('aes-128-cbc');
  });

  it('strong-only with no recipients or only unknown capabilities: the configured cipher', () => {
    for (const c of ['aes-256-gcm', 'aes-128-gcm', 'aes-256-cbc', 'aes-128-cbc'] as const) {
      expect(contentCipherFor(strong(c), [])).toBe(c);
      expect(contentCipherFor(strong(c), [undefined, undefined])).toBe(c);
    }
  });

  it('strong-only keeps the configured cipher when everyone known advertises it', () => {
    expect(contentCipherFor(strong('aes-256-gcm'), [SELLO, undefined, SELLO])).toBe('aes-256-gcm');
    expect(contentCipherFor(strong('aes-128-cbc'), [SELLO, OUTLOOK])).toBe('aes-128-cbc');
  });

  it('strong-only: a GCM default becomes AES-256-CBC for an Outlook correspondent', () => {
    expect(contentCipherFor(strong('aes-256-gcm'), [OUTLOOK])).toBe('aes-256-cbc');
    expect(contentCipherFor(strong('aes-128-gcm'), [SELLO, OUTLOOK, undefined])).toBe('aes-256-cbc');
  });

  it('strong-only falls to the strongest cipher everyone shares, in order', () => {
    // Configured AES-256-CBC but one recipient reads only AES-128 (GCM and CBC): GCM comes first.
    expect(contentCipherFor(strong('aes-256-cbc'), [[OID.aes128Gcm, OID.aes128Cbc]])).toBe('aes-128-gcm');
    expect(contentCipherFor(strong('aes-256-gcm'), [SELLO, [OID.aes128Cbc]])).toBe('aes-128-cbc');
    // Only GCM advertised: a configured CBC moves up to the GCM cipher the recipient reads.
    expect(contentCipherFor(strong('aes-128-cbc'), [[OID.aes256Gcm]])).toBe('aes-256-gcm');
  });

  it('strong-only never writes a weak cipher: no common AES cipher gives AES-CBC', () => {
    expect(contentCipherFor(strong('aes-128-cbc'), [LEGACY_ONLY])).toBe('aes-128-cbc');
    expect(contentCipherFor(strong('aes-256-cbc'), [LEGACY_ONLY])).toBe('aes-256-cbc');
    expect(contentCipherFor(strong('aes-256-gcm'), [LEGACY_ONLY])).toBe('aes-256-cbc');
    expect(contentCipherFor(strong('aes-128-gcm'), [[]])).toBe('aes-256-cbc');
    // Each AES cipher advertised by someone, none by all.
    expect(contentCipherFor(strong('aes-256-gcm'), [[OID.aes256Gcm], [OID.aes128Cbc]])).toBe('aes-256-cbc');
  });

  it('encryptOptionsFrom carries the negotiated cipher; without capabilities the configured one', () => {
    const settings = {
      ...strong('aes-256-gcm'),
      keyTransport: 'rsaes-pkcs1-v1_5',
      useKeyIdentifier: false,
    } as const;
    expect(encryptOptionsFrom(settings).cipher).toBe('aes-256-gcm');
    expect(encryptOptionsFrom(settings, [OUTLOOK, undefined]).cipher).toBe('aes-256-cbc');
    expect(
      encryptOptionsFrom({ ...settings, encryptionAlgorithmNegotiation: 'block' }, [OUTLOOK]).cipher,
    ).toBe('aes-256-gcm');
  });
});
