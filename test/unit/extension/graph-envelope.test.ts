/**
 * bccForking through the Graph transport: sendMail delivers to the MIME's To/Cc headers, so a copy
 * meant for Bcc recipients only must take the path with an explicit envelope, addressed to them alone.
 */
import { describe, expect, it } from 'vitest';
import { utf8 } from '../../../shared/bytes';
import {
  deliveredByHeaders,
  isSmimeTop,
  largePayload,
} from '../../../extension/background/graph/large-payload';

const smime = utf8(
  'From: alice@example.com\r\nTo: bob@example.com\r\nCc: cc@example.com\r\nSubject: s\r\n' +
    'MIME-Version: 1.0\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n' +
    'Content-Transfer-Encoding: base64\r\n\r\nMAA=\r\n',
);
const plain = utf8('From: alice@example.com\r\nTo: bob@example.com\r\nSubject: s\r\n\r\nhi\r\n');

describe('Graph delivery of Bcc forks', () => {
  it('sendMail by headers only when the envelope is exactly To and Cc', () => {
    const from = 'alice@example.com';
    expect(deliveredByHeaders(smime, { from, recipients: ['bob@example.com', 'CC@example.com'] })).toBe(true);
    expect(
      deliveredByHeaders(smime, { from, recipients: ['bob@example.com', 'cc@example.com', 'b@x.org'] }),
    ).toBe(false);
    expect(deliveredByHeaders(smime, { from, recipients: ['carol@example.com'] })).toBe(false);
    expect(isSmimeTop(smime)).toBe(true);
    expect(isSmimeTop(plain)).toBe(false);
  });

  it('a Bcc fork copy is addressed to its Bcc recipient alone, not to the To/Cc of its headers', () => {
    const p = largePayload(smime, { from: 'alice@example.com', recipients: ['carol@example.com'] });
    expect(p.envelope).toMatchObject({ to: [], cc: [], bcc: ['carol@example.com'] });
    const main = largePayload(smime, {
      from: 'alice@example.com',
      recipients: ['bob@example.com', 'cc@example.com'],
    });
    expect(main.envelope).toMatchObject({ to: ['bob@example.com'], cc: ['cc@example.com'], bcc: [] });
  });
});
