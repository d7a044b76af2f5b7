/**
 * One error type for the whole core. `code` is stable: the CLI maps it to an exit code, the UI to
 * localised text, tests switch on it. Messages are for humans and never carry key material or plaintext.
 */
export type ErrorDomain =
  | 'mime'
  | 'cms'
  | 'smime'
  | 'pkcs12'
  | 'cert'
  | 'trust'
  | 'path'
  | 'revocation'
  | 'sst'
  | 'p7b'
  | 'pem'
  | 'policy'
  | 'net'
  | 'io'
  | 'usage'
  | 'keystore'
  | 'graph'
  | 'auth'
  | 'directory'
  | 'message';

/** `domain.kebab-case-reason`, e.g. `pkcs12.wrong-password`, `mime.too-deep`. */
export type ErrorCode = `${ErrorDomain}.${string}`;

export class SelloError extends Error {
  override readonly name = 'SelloError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }

  /** Plain data for crossing a message boundary (extension messaging, JSON output). */
  toJSON(): { code: ErrorCode; message: string } {
    return { code: this.code, message: this.message };
  }
}

export function isSelloError(e: unknown, code?: ErrorCode): e is SelloError {
  return e instanceof SelloError && (code === undefined || e.code === code);
}

/**
 * Turns anything thrown by a dependency (asn1js, PKI.js, WebCrypto) into a SelloError with the given
 * code, keeping the original as `cause`. A SelloError passes through unchanged so the most specific
 * code wins.
 */
export function asSelloError(e: unknown, code: ErrorCode, message: string): SelloError {
  if (e instanceof SelloError) return e;
  return new SelloError(code, message, { cause: e });
}
