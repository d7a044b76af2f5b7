/**
 * The shape of one regenerated attack case: how to build the hostile message with keys made at test
 * time, and what a user must see when Sello opens it (the verdict facts and the read frame's status
 * bar). The runners (core.test.ts, read-frame.test.ts) apply every case the same way.
 */
import type { Identity } from '../../../shared/keys/identity';
import type { DemoCa } from '../../../shared/smime/demo-pki';

export type AttackClass =
  | 'cms'
  | 'mime-wrapping'
  | 'identity'
  | 'ui-redressing'
  | 'efail-direct'
  | 'cbc-malleability'
  | 'reply-oracle'
  | 'downgrade'
  | 'padding-oracle'
  /** Requests, not messages: lib/draft-oracle-case.ts. */
  | 'draft-oracle';

/** The cast. Everyone but Mallory-rogue is issued by `ca`, the anchor the reader trusts. */
export interface AttackKeys {
  ca: DemoCa;
  /** An honest sender (RSA). */
  alice: Identity;
  /** The reader: messages are encrypted to Bob (RSA, so PKCS#1 v1.5 key transport applies). */
  bob: Identity;
  /** An attacker with a legitimate certificate from the same CA. */
  eve: Identity;
  /** A CA the reader does not trust, and a user it issued for alice@example.org. */
  rogueCa: DemoCa;
  rogueAlice: Identity;
  /** A URL that must never be requested: the read frame runner counts requests to it. */
  remote: string;
  /** Paths to PEM files of the cast, for cases that need OpenSSL (legacy algorithms, Eve's gateway). */
  pem: Record<'alice' | 'aliceKey' | 'bob' | 'ca' | 'eve' | 'eveKey', string>;
}

export interface ExpectedVerdict {
  valid: boolean;
  /** Omitted: not checked. */
  trusted?: boolean;
  coverage: { kind: 'whole' | 'partial' | 'none'; signedPaths?: string[]; unsignedPaths?: string[] };
  fromMatchesSigner: boolean;
  /** Per opened encryption layer; null: no encryption layer was opened. */
  integrityProtected: boolean | null;
  /** Codes that must be among verdict.errors (exactly these when `exactErrors`). */
  errors: string[];
  exactErrors?: boolean;
  /** Codes that must be among verdict.warnings. */
  warnings?: string[];
  /** Strings the opened content must never hold (e.g. a secret that must stay encrypted). */
  contentExcludes?: string[];
  /** A layer must be flagged weak (downgrade cases). */
  weakSignature?: boolean;
  weakCipher?: boolean;
  frame: {
    /** Texts that must appear in the status bar. */
    statusIncludes: string[];
    /** Texts that must not appear in the status bar. */
    statusExcludes: string[];
    /** Texts that must not appear anywhere on the read page or in any content frame. */
    pageExcludes?: string[];
    /**
     * The displayed content sections in order: each part's path (data-path), its label ('signed':
     * "Covered by the signature", 'unsigned': "Not covered by ...", null: no label, as when nothing is
     * partially signed), one content frame each. Omitted: not checked.
     */
    sections?: { path: string; label: 'signed' | 'unsigned' | null }[];
    /** Texts that must be visible (rendered, not hidden by CSS) in some content frame. */
    visibleIncludes?: string[];
  };
}

export interface AttackCase {
  name: string;
  class: AttackClass;
  /** The paper or report the case regenerates, in our own words. */
  source: string;
  build(keys: AttackKeys): Promise<Uint8Array>;
  expect: ExpectedVerdict;
}

export const FRAME = {
  whole: 'The signature covers the whole message.',
  notSigned: 'Not signed: the sender cannot be confirmed.',
  signedBy: 'Signed by ',
  partial: 'The signature covers only part',
  fromMatches: 'matches the signer.',
  fromMismatch: "does not match the signer's certificate",
  trusted: "The signer's certificate is trusted",
  notTrusted: "The signer's certificate is not trusted",
  invalid: 'is not valid',
  notIntegrity: 'Not integrity-protected',
  integrity: 'The encryption protects integrity.',
  encrypted: 'Encrypted with',
  notEncrypted: 'Not encrypted.',
  weakSig: 'with a weak algorithm',
} as const;
