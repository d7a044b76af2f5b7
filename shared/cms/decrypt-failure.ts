/**
 * The one error every decryption failure after recipient matching becomes: key transport, key
 * unwrap, CBC padding, GCM tag, wrong key length. One code, one message, so that neither the code nor
 * the wording can serve as a padding or format oracle (Bleichenbacher, Vaudenay, efail-style probing).
 */
import { SelloError } from '../errors';

export const DECRYPT_FAILED_MESSAGE = 'The message could not be decrypted.';

export function decryptFailed(cause?: unknown): SelloError {
  return new SelloError(
    'cms.decrypt-failed',
    DECRYPT_FAILED_MESSAGE,
    cause === undefined ? undefined : { cause },
  );
}
