/**
 * The one error every decryption failure after recipient matching becomes: key transport, key
 * unwrap, CBC padding, GCM tag, wrong key length. One code, one message, so that neither the code nor
 * the wording can serve as a padding or format oracle (Bleichenbacher, Vaudenay, efail-style probing).
 */
import { SelloError } from '../errors';

export const DECRYPT_FAILED_MESSAGE = 'The message could not be decrypted.';

/**
 * The underlying cause is dropped on purpose: a WebCrypto "tag mismatch" versus a padding error in a
 * log or a debug dump would be the very oracle this error exists to close.
 */
export function decryptFailed(_cause?: unknown): SelloError {
  return new SelloError('cms.decrypt-failed', DECRYPT_FAILED_MESSAGE);
}
