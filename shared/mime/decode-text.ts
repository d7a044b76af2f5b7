/** A text entity as a string: transfer encoding undone, then the declared charset applied. */
import { decodeCharset } from './charset';
import { decodeBody } from './transfer-encoding';
import type { MimeEntity } from './types';

export function decodeText(entity: Pick<MimeEntity, 'headers' | 'body' | 'contentType'>): string {
  return decodeCharset(decodeBody(entity), entity.contentType.params['charset']);
}
