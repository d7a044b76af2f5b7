/**
 * Keys, trust anchors and the address book of the add-in, in IndexedDB at the add-in origin (the
 * extension keeps the same three in its own origin). Private keys are stored sealed (key-wrapping.ts);
 * unsealed identities exist only in this pane's memory while it is open.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Identity } from '../../shared/keys/identity';
import { certificateInfo, type CertificateInfo } from './certificate-info';
import { deviceKey, seal, unseal, type Sealed } from './key-wrapping';

export interface IdentityRecord {
  id: string;
  certificate: Uint8Array;
  chain: Uint8Array[];
  emails: string[];
  commonName: string;
  friendlyName: string | null;
  privateKey: Sealed;
  addedAt: string;
}

export interface CertificateRecord {
  fingerprint: string;
  der: Uint8Array;
  emails: string[];
  commonName: string;
  addedAt: string;
}

interface AddinDB extends DBSchema {
  meta: { key: string; value: CryptoKey };
  identities: { key: string; value: IdentityRecord };
  addressBook: { key: string; value: CertificateRecord; indexes: { email: string } };
  trust: { key: string; value: CertificateRecord };
}

export class Keystore {
  private db: Promise<IDBPDatabase<AddinDB>>;

  constructor(
    private readonly crypto: Crypto,
    name = 'sello-addin',
  ) {
    this.db = openDB<AddinDB>(name, 1, {
      upgrade(db) {
        db.createObjectStore('meta');
        db.createObjectStore('identities', { keyPath: 'id' });
        db.createObjectStore('addressBook', { keyPath: 'fingerprint' }).createIndex('email', 'emails', {
          multiEntry: true,
        });
        db.createObjectStore('trust', { keyPath: 'fingerprint' });
      },
    });
  }

  private async key(): Promise<CryptoKey> {
    const db = await this.db;
    return deviceKey(
      {
        load: () => db.get('meta', 'device-key'),
        addIfAbsent: async (k) => {
          try {
            await db.add('meta', k, 'device-key');
            return k;
          } catch (e) {
            // Another pane added its key first: use that one so both can read what either stored.
            const other = await db.get('meta', 'device-key');
            if (other) return other;
            throw e;
          }
        },
      },
      this.crypto,
    );
  }

  async addIdentity(identity: Identity & { friendlyName?: string }): Promise<IdentityRecord> {
    const info = await certificateInfo(identity.certificate, this.crypto);
    const record: IdentityRecord = {
      id: info.fingerprint,
      certificate: identity.certificate,
      chain: identity.chain,
      emails: info.emails,
      commonName: info.commonName,
      friendlyName: identity.friendlyName ?? null,
      privateKey: await seal(
        await this.key(),
        identity.privateKey,
        `identity:${info.fingerprint}`,
        this.crypto,
      ),
      addedAt: new Date().toISOString(),
    };
    await (await this.db).put('identities', record);
    // Our own certificate is also how we encrypt to ourselves.
    await this.addCertificate(identity.certificate, 'addressBook');
    return record;
  }

  async identities(): Promise<IdentityRecord[]> {
    return (await this.db).getAll('identities');
  }

  async unsealIdentity(record: IdentityRecord): Promise<Identity> {
    const privateKey = await unseal(
      await this.key(),
      record.privateKey,
      `identity:${record.id}`,
      this.crypto,
    );
    return { certificate: record.certificate, chain: record.chain, privateKey };
  }

  async unsealAll(): Promise<Identity[]> {
    return Promise.all((await this.identities()).map((r) => this.unsealIdentity(r)));
  }

  /** The identity whose certificate names `address`, else the first one. */
  async identityFor(address: string): Promise<IdentityRecord | null> {
    const all = await this.identities();
    return all.find((r) => r.emails.includes(address.toLowerCase())) ?? all[0] ?? null;
  }

  async addCertificate(der: Uint8Array, store: 'addressBook' | 'trust'): Promise<CertificateInfo> {
    const info = await certificateInfo(der, this.crypto);
    await (
      await this.db
    ).put(store, {
      fingerprint: info.fingerprint,
      der,
      emails: info.emails,
      commonName: info.commonName,
      addedAt: new Date().toISOString(),
    });
    return info;
  }

  async certificatesFor(address: string): Promise<CertificateRecord[]> {
    return (await this.db).getAllFromIndex('addressBook', 'email', address.toLowerCase());
  }

  async trustAnchors(): Promise<Uint8Array[]> {
    return (await (await this.db).getAll('trust')).map((r) => r.der);
  }
}
