/**
 * Looks up a mail address in LDAP/Active Directory and returns the certificates published for it in
 * userSMIMECertificate (Outlook's PKCS#7) and userCertificate;binary. One connection per lookup:
 * lookups are rare (cached by the HTTP layer) and a fresh bind never inherits a broken session.
 */
import { Client, EqualityFilter, OrFilter, type Entry } from 'ldapts';
import { SelloError } from '../../errors';
import { certificatesFromAttributeValue } from '../attribute-certificates';

export type DirectorySourceAttribute = 'userSMIMECertificate' | 'userCertificate';

export interface DirectoryCertificateValue {
  der: Uint8Array;
  source: DirectorySourceAttribute;
  /** DN of the entry it came from. */
  entry: string;
}

export interface LdapSourceOptions {
  url: string;
  baseDn: string;
  bindDn?: string;
  bindPassword?: string;
  /** Connect and per-operation timeout. */
  timeoutMs: number;
  /** At most this many entries per address (a shared address can match many people). */
  sizeLimit?: number;
  /**
   * PEM CA certificates to trust for ldaps:// (a domain's internal CA) instead of the system store.
   * Simple binds need TLS where Active Directory enforces LDAP signing.
   */
  tlsCaPem?: string[];
}

export type CertificateLookup = (email: string) => Promise<DirectoryCertificateValue[]>;

const CERT_ATTRIBUTES = [
  'userSMIMECertificate',
  'userSMIMECertificate;binary',
  'userCertificate',
  'userCertificate;binary',
];

export function createLdapCertificateSource(options: LdapSourceOptions): CertificateLookup {
  return async (email) => {
    const client = new Client({
      url: options.url,
      timeout: options.timeoutMs,
      connectTimeout: options.timeoutMs,
      strictDN: true,
      ...(options.tlsCaPem ? { tlsOptions: { ca: options.tlsCaPem, minVersion: 'TLSv1.2' as const } } : {}),
    });
    try {
      if (options.bindDn) await client.bind(options.bindDn, options.bindPassword ?? '');
      // Built from filter objects, not strings: the address is encoded as an assertion value and
      // cannot change the filter's structure (RFC 4515 injection).
      const filter = new OrFilter({
        filters: [
          new EqualityFilter({ attribute: 'mail', value: email }),
          // Active Directory: secondary addresses live in proxyAddresses as "smtp:addr".
          new EqualityFilter({ attribute: 'proxyAddresses', value: `smtp:${email}` }),
        ],
      });
      const { searchEntries } = await client.search(options.baseDn, {
        scope: 'sub',
        filter,
        attributes: CERT_ATTRIBUTES,
        explicitBufferAttributes: CERT_ATTRIBUTES,
        sizeLimit: options.sizeLimit ?? 20,
        timeLimit: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
      });
      return searchEntries.flatMap(certificatesOfEntry);
    } catch (e) {
      throw classify(e, options.url);
    } finally {
      await client.unbind().catch((e: unknown) => {
        // The answer is already in hand; a failed unbind only means the server closed first.
        void e;
      });
    }
  };
}

function certificatesOfEntry(entry: Entry): DirectoryCertificateValue[] {
  const out: DirectoryCertificateValue[] = [];
  for (const [attribute, raw] of Object.entries(entry)) {
    const name = attribute.split(';')[0]?.toLowerCase();
    const source: DirectorySourceAttribute | undefined =
      name === 'usersmimecertificate'
        ? 'userSMIMECertificate'
        : name === 'usercertificate'
          ? 'userCertificate'
          : undefined;
    if (!source) continue;
    const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is Buffer => Buffer.isBuffer(v));
    for (const value of values) {
      try {
        for (const der of certificatesFromAttributeValue(new Uint8Array(value)))
          out.push({ der, source, entry: entry.dn });
      } catch (e) {
        // One unreadable value (a stale or foreign blob) must not hide the usable ones beside it.
        if (!(e instanceof SelloError)) throw e;
      }
    }
  }
  return out;
}

function classify(e: unknown, url: string): SelloError {
  if (e instanceof SelloError) return e;
  const name = e instanceof Error ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  if (/timeout|timed out/i.test(`${name} ${message}`))
    return new SelloError('directory.timeout', `the directory at ${url} did not answer in time`, {
      cause: e,
    });
  if (/InvalidCredentials/i.test(name))
    return new SelloError('directory.bind-failed', `the directory at ${url} refused the bind credentials`, {
      cause: e,
    });
  if (/certificate|self[- ]signed|TLS|SSL|altnames/i.test(message)) {
    return new SelloError(
      'directory.tls-failed',
      `the TLS certificate of ${url} is not trusted: ${message.split('\n')[0]}`,
      { cause: e },
    );
  }
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ECONNRESET|connect/i.test(message))
    return new SelloError('directory.unreachable', `the directory at ${url} cannot be reached`, { cause: e });
  return new SelloError('directory.search-failed', `the directory search failed: ${message.split('\n')[0]}`, {
    cause: e,
  });
}
