/**
 * A correspondent's move to another key is kept as an unconfirmed change until the user answers, and
 * each answer does what it says: the new certificate is chosen, or the previous one is kept and the
 * new one removed. Certificates come from the in-process demo PKI; the clock is the test's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { toHex, utf8 } from '../../../shared/bytes';
import { createAddressBook } from '../../../shared/directory/address-book';
import { createMemoryAddressBookStore } from '../../../shared/directory/address-book-store';
import {
  createMemoryCertificateChangeStore,
  previousStillValid,
  recordCertificateChanges,
  resolveCertificateChange,
} from '../../../shared/directory/certificate-changes';
import { harvestVerdict } from '../../../shared/directory/harvest';
import { defaultEnv } from '../../../shared/env';
import { isSelloError } from '../../../shared/errors';
import type { Identity } from '../../../shared/keys/identity';
import { createDemoCa, createDemoUser, type DemoCa } from '../../../shared/smime/demo-pki';
import { openMessage } from '../../../shared/smime/open';
import { signMessage } from '../../../shared/smime/sign';
import type { ChainValidator } from '../../../shared/smime/verdict';

const base = defaultEnv();
const DAY = 86_400_000;
let ca: DemoCa;
let otherCa: DemoCa;
let first: Identity;
let second: Identity;
let third: Identity;
let fromOtherCa: Identity;
let expiredFirst: Identity;

const ALICE = 'alice@example.org';
const sha = async (der: Uint8Array) =>
  toHex(new Uint8Array(await base.crypto.subtle.digest('SHA-256', der as Uint8Array<ArrayBuffer>)));

beforeAll(async () => {
  ca = await createDemoCa(base, { keyType: 'P-256', name: 'Demo CA One' });
  otherCa = await createDemoCa(base, { keyType: 'P-256', name: 'Demo CA Two' });
  const user = (c: DemoCa, name: string, notBefore: Date, days = 365) =>
    createDemoUser(c, { name, email: ALICE, keyType: 'P-256', notBefore, days }, base);
  first = await user(ca, 'Alice', new Date(Date.now() - 30 * DAY));
  second = await user(ca, 'Alice', new Date(Date.now() - 2 * DAY));
  third = await user(ca, 'Alice', new Date(Date.now() - DAY));
  fromOtherCa = await user(otherCa, 'Alice', new Date(Date.now() - DAY));
  // Valid for one day, forty days ago: expired now.
  expiredFirst = await user(ca, 'Alice', new Date(Date.now() - 40 * DAY), 1);
}, 60_000);

/** An address book, its change store and a clock that moves one second per step. */
function setup() {
  let clock = Date.now() - 60_000;
  const env = { ...base, now: () => new Date((clock += 1000)) };
  const store = createMemoryAddressBookStore();
  const changes = createMemoryCertificateChangeStore();
  const book = createAddressBook({ store, env });
  const add = async (id: Identity, origin: 'harvested' | 'imported' = 'harvested') =>
    recordCertificateChanges(
      changes,
      (await book.addCertificate(id.certificate, { origin })).changes,
      origin,
      env.now(),
    );
  return { store, changes, book, add, env };
}

describe('recording a certificate change', () => {
  it('keeps a move to a new key from the same CA as an unconfirmed change, with both fingerprints', async () => {
    const { changes, add } = setup();
    expect(await add(first, 'imported')).toEqual([]);
    const [recorded] = await add(second);
    expect(recorded).toMatchObject({
      email: ALICE,
      kind: 'new-key',
      origin: 'harvested',
      previous: { sha256: await sha(first.certificate) },
      current: { sha256: await sha(second.certificate) },
    });
    expect(recorded!.current.issuer).toBe(recorded!.previous.issuer);
    expect(await changes.get(ALICE)).toEqual(recorded);
  });

  it('reports a certificate from another issuer as a new key when the key differs too', async () => {
    const { changes, add } = setup();
    await add(first);
    await add(fromOtherCa, 'imported');
    const pending = await changes.get(ALICE);
    expect(pending?.kind).toBe('new-key');
    expect(pending?.current.issuer).toContain('Demo CA Two');
    expect(pending?.previous.issuer).toContain('Demo CA One');
    expect(pending?.origin).toBe('imported');
  });

  it('after a second move, still compares with the certificate the user last accepted', async () => {
    const { changes, add } = setup();
    await add(first);
    await add(second);
    await add(third);
    const pending = await changes.get(ALICE);
    expect(pending?.previous.sha256).toBe(await sha(first.certificate));
    expect(pending?.current.sha256).toBe(await sha(third.certificate));
  });

  it('records nothing when the same certificate is seen again', async () => {
    const { changes, add } = setup();
    await add(first);
    await add(first);
    expect(await changes.list()).toEqual([]);
  });

  it('records the change harvestVerdict returns for a verified message signed with the new key', async () => {
    const { changes, book, env } = setup();
    await book.addCertificate(first.certificate, { origin: 'imported' });
    const trustAll: ChainValidator = async () => ({
      trusted: true,
      chain: ['test'],
      issues: [],
      revocation: 'unchecked',
      validAtSigningTime: null,
      validNow: true,
    });
    const mail = utf8(
      `From: ${ALICE}\r\nTo: bob@example.org\r\nSubject: new key\r\nContent-Type: text/plain\r\n\r\nHi\r\n`,
    );
    const signed = await signMessage(
      mail,
      second,
      { form: 'detached', hash: 'SHA-256', pss: false, chain: 'no-root' },
      base,
    );
    const verdict = await openMessage(signed, { keys: [], validateChain: trustAll }, base);
    expect(verdict.valid).toBe(true);
    await recordCertificateChanges(changes, await harvestVerdict(book, verdict), 'harvested', env.now());
    expect((await changes.get(ALICE))?.current.sha256).toBe(await sha(second.certificate));
  });
});

describe("the user's answer", () => {
  it('use-new: the new certificate is chosen even over one the correspondent had named as preferred', async () => {
    const { store, changes, book, add, env } = setup();
    await add(first);
    // As if an older message had named the first certificate in SMIMEEncryptionKeyPreference.
    const [old] = await store.list(ALICE);
    await store.put({ ...old!, preferredAt: env.now().getTime() });
    await add(second);
    expect((await book.pickEncryptionCertificate(ALICE, env.now()))?.sha256).toBe(
      await sha(first.certificate),
    );
    await resolveCertificateChange(changes, store, ALICE, 'use-new', env.now());
    expect((await book.pickEncryptionCertificate(ALICE, env.now()))?.sha256).toBe(
      await sha(second.certificate),
    );
    expect(await changes.get(ALICE)).toBeUndefined();
    // Both stay stored: nothing is deleted by accepting.
    expect(await book.certificatesFor(ALICE)).toHaveLength(2);
  });

  it('keep-previous: the new certificates are removed and the previous one stays in use', async () => {
    const { store, changes, book, add, env } = setup();
    await add(first);
    await add(second);
    await add(third);
    await resolveCertificateChange(changes, store, 'Alice@Example.org', 'keep-previous', env.now());
    const left = await book.certificatesFor(ALICE);
    expect(left.map((r) => r.sha256)).toEqual([await sha(first.certificate)]);
    expect((await book.pickEncryptionCertificate(ALICE, env.now()))?.sha256).toBe(
      await sha(first.certificate),
    );
    expect(await changes.get(ALICE)).toBeUndefined();
    // Seeing the new key again asks again.
    await add(second);
    expect((await changes.get(ALICE))?.current.sha256).toBe(await sha(second.certificate));
  });

  it('keep-previous is refused, changing nothing, when the previous certificate expired', async () => {
    const { store, changes, book, add, env } = setup();
    await add(expiredFirst);
    await add(second);
    const pending = (await changes.get(ALICE))!;
    expect(previousStillValid(pending, env.now())).toBe(false);
    const error = await resolveCertificateChange(changes, store, ALICE, 'keep-previous', env.now()).catch(
      (e: unknown) => e,
    );
    expect(isSelloError(error, 'directory.previous-certificate-unusable')).toBe(true);
    expect(await book.certificatesFor(ALICE)).toHaveLength(2);
    expect(await changes.get(ALICE)).toEqual(pending);
  });

  it('is refused when no change is waiting for the address', async () => {
    const { store, changes, add, env } = setup();
    await add(first);
    const error = await resolveCertificateChange(changes, store, ALICE, 'use-new', env.now()).catch(
      (e: unknown) => e,
    );
    expect(isSelloError(error, 'directory.no-pending-change')).toBe(true);
  });

  it('use-new is refused when the new certificate was removed meanwhile', async () => {
    const { store, changes, add, env } = setup();
    await add(first);
    await add(second);
    await store.remove(ALICE, await sha(second.certificate));
    const error = await resolveCertificateChange(changes, store, ALICE, 'use-new', env.now()).catch(
      (e: unknown) => e,
    );
    expect(isSelloError(error, 'directory.certificate-gone')).toBe(true);
    expect(await changes.get(ALICE)).toBeDefined();
  });
});
