import { describe, expect, it } from 'vitest';
import { senderAttributes } from '../../../extension/background/sender-attributes';

const signer = {
  subject: 'CN=Alice Example, O=Example Corp, OU=Finance, OU=Audit, C=ES',
  emails: ['alice@example.com'],
};

describe('senderCertificateAttributesToDisplay', () => {
  it('shows nothing by default', () => {
    expect(senderAttributes([], signer)).toEqual([]);
  });

  it('picks the asked-for subject attributes (any case), "email" meaning the certificate addresses', () => {
    expect(senderAttributes(['o', 'OU', 'email', 'L'], signer)).toEqual([
      { name: 'o', value: 'Example Corp' },
      { name: 'OU', value: 'Finance, Audit' },
      { name: 'email', value: 'alice@example.com' },
    ]);
  });

  it('keeps an attribute value containing a comma whole', () => {
    expect(senderAttributes(['O'], { subject: 'CN=Bob, O=Foo, Inc., C=US', emails: [] })).toEqual([
      { name: 'O', value: 'Foo, Inc.' },
    ]);
  });
});
