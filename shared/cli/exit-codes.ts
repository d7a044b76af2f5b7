/**
 * Exit codes are part of the CLI contract (listed in `sello verify --help` and the README).
 * 0 success; 1-9 verdict outcomes of `verify`; 2 usage; 10+ input problems by domain.
 */
import type { ErrorCode } from '../errors';

export const EXIT = {
  ok: 0,
  /** verify: no signature, or a signature that is not intact. */
  notSignedOrBroken: 1,
  usage: 2,
  /** verify: signature intact but the chain does not reach a trust anchor. */
  untrusted: 3,
  /** verify: signature intact and trusted, but From does not match the signer. */
  fromMismatch: 4,
  /** verify: only part of the message is signed. */
  partial: 5,
  /** verify: signer certificate revoked. */
  revoked: 6,
  /** verify: signature uses a weak algorithm (SHA-1/MD5) and legacy algorithms were not allowed. */
  weak: 7,
  io: 10,
  mime: 11,
  cms: 12,
  decrypt: 13,
  pkcs12: 14,
  cert: 15,
  trust: 16,
  policy: 17,
  net: 18,
  other: 19,
  /** An unexpected exception: a bug, reported as one line (never a stack trace). */
  internal: 70,
} as const;

export function exitCodeFor(code: ErrorCode): number {
  const domain = code.split('.')[0];
  if (code === 'cms.decrypt-failed' || code === 'cms.no-recipient') return EXIT.decrypt;
  switch (domain) {
    case 'usage':
      return EXIT.usage;
    case 'io':
      return EXIT.io;
    case 'mime':
      return EXIT.mime;
    case 'cms':
    case 'smime':
      return EXIT.cms;
    case 'pkcs12':
      return EXIT.pkcs12;
    case 'cert':
    case 'pem':
      return EXIT.cert;
    case 'trust':
    case 'path':
    case 'sst':
    case 'p7b':
      return EXIT.trust;
    case 'policy':
      return EXIT.policy;
    case 'net':
    case 'revocation':
    case 'directory':
      return EXIT.net;
    default:
      return EXIT.other;
  }
}
