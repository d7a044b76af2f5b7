/**
 * The OWA pieces of the service worker that need no browser: who may send owa.* messages, the
 * additional hosts as origins and match patterns, Graph ids, the reply quote, and which Graph path a
 * message takes with what payload.
 */
import { describe, expect, it } from 'vitest';
import { fromUtf8, utf8 } from '../../../shared/bytes';
import { SEND_MAIL_MAX_BASE64 } from '../../../shared/graph/graph-client';
import { fitsSendMail, largePayload } from '../../../extension/background/graph/large-payload';
import { OWA_MATCHES } from '../../../extension/manifest.config';
import {
  hostPattern,
  MICROSOFT_OWA_ORIGINS,
  owaHostOrigin,
} from '../../../extension/background/graph/owa-hosts';
import { checkOwaSender } from '../../../extension/background/graph/owa-sender-check';
import { htmlToText, quoteShown, toRestId } from '../../../extension/background/graph/reply-quote';

const self = {
  id: 'abcdefghijklmnopabcdefghijklmnop',
  origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
};
const tab = { tab: { id: 7 }, frameId: 0, id: self.id };

describe('the OWA content-script sender check', () => {
  it('accepts the top frame of a Microsoft 365 OWA tab and of an added host', () => {
    expect(checkOwaSender({ ...tab, url: 'https://outlook.office.com/mail/' }, self, [])).toBe(7);
    expect(checkOwaSender({ ...tab, url: 'https://outlook.live.com/mail/0/' }, self, [])).toBe(7);
    expect(
      checkOwaSender(
        { ...tab, url: 'https://mail.contoso.example/owa/', origin: 'https://mail.contoso.example' },
        self,
        ['mail.contoso.example'],
      ),
    ).toBe(7);
    expect(
      checkOwaSender({ ...tab, url: 'http://127.0.0.1:8123/mail/inbox' }, self, ['127.0.0.1:8123']),
    ).toBe(7);
  });

  it('refuses other sites, other ports, subframes, other extensions and a lying origin', () => {
    const refused = (s: Parameters<typeof checkOwaSender>[0], hosts: string[] = []) =>
      expect(() => checkOwaSender(s, self, hosts)).toThrow(
        expect.objectContaining({ code: 'message.sender-refused' }),
      );
    refused({ ...tab, url: 'https://evil.example/' });
    refused({ ...tab, url: 'http://outlook.office.com/mail/' });
    refused({ ...tab, url: 'https://outlook.live.com.evil.example/mail/' });
    refused({ ...tab, url: 'http://127.0.0.1:9999/' }, ['127.0.0.1:8123']);
    refused({ ...tab, frameId: 3, url: 'https://outlook.office.com/mail/' });
    refused({ ...tab, id: 'otherextensionotherextensionothe', url: 'https://outlook.office.com/mail/' });
    refused({ ...tab, url: 'https://outlook.office.com/mail/', origin: 'https://evil.example' });
    refused({ id: self.id, url: 'https://outlook.office.com/mail/' });
  });
});

describe('the Microsoft OWA hosts', () => {
  it('are the same in the manifest (content script) and the sender check, outlook.live.com included', () => {
    const fromManifest = OWA_MATCHES.map((m) => new URL(m.replace(/\/\*$/, '/')).origin);
    expect([...fromManifest].sort()).toEqual([...MICROSOFT_OWA_ORIGINS].sort());
    expect(MICROSOFT_OWA_ORIGINS).toContain('https://outlook.live.com');
  });
});

describe('additional OWA hosts', () => {
  it('are https origins, loopback over http, and match patterns without the port', () => {
    expect(owaHostOrigin('Mail.Contoso.example')).toBe('https://mail.contoso.example');
    expect(owaHostOrigin('127.0.0.1:8123')).toBe('http://127.0.0.1:8123');
    expect(hostPattern('mail.contoso.example:8443')).toBe('https://mail.contoso.example/*');
    expect(hostPattern('localhost:3000')).toBe('http://localhost/*');
  });
});

describe('replies and ids', () => {
  it('converts EWS-style ids from OWA URLs to Graph REST ids', () => {
    expect(toRestId('AAMk/ab+c=')).toBe('AAMk-ab_c=');
  });

  it('quotes only the shown sections, as text, without markup, images or links', () => {
    const q = quoteShown({
      subject: 'Board',
      from: 'Carol <carol@example.com>',
      to: '',
      cc: '',
      date: '',
      sections: [
        {
          path: '1',
          kind: 'html',
          content:
            '<p>Hi <b>Alice</b><img src="https://tracker.example/x.gif"></p><style>p{}</style><p>a &lt; b</p>',
          signed: true,
        },
        { path: '2', kind: 'text', content: 'second part\n', signed: true },
      ],
      attachments: [],
      inline: {},
    });
    expect(q.text).toContain('> Hi Alice');
    expect(q.text).toContain('> a < b');
    expect(q.text).toContain('> second part');
    expect(q.html).not.toContain('tracker.example');
    expect(q.html).not.toContain('<b>');
    expect(q.html).toContain('a &lt; b');
    expect(htmlToText('<script>alert(1)</script>x')).toBe('x');
  });
});

describe('which Graph path a message takes', () => {
  it('uses sendMail while the base64 MIME fits in 4 MB', () => {
    expect(fitsSendMail(new Uint8Array(1000))).toBe(true);
    expect(fitsSendMail(new Uint8Array(Math.floor((SEND_MAIL_MAX_BASE64 / 4) * 3) + 3))).toBe(false);
  });

  it('uploads the CMS of an encrypted message as IPM.Note.SMIME, with Bcc from the envelope', () => {
    const mime = utf8(
      [
        'From: alice@example.com',
        'To: Bob <bob@example.com>',
        'Cc: carol@example.com',
        'Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=',
        'MIME-Version: 1.0',
        'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
        'Content-Transfer-Encoding: base64',
        '',
        'AQIDBA==',
        '',
      ].join('\r\n'),
    );
    const p = largePayload(mime, {
      from: 'alice@example.com',
      recipients: ['bob@example.com', 'carol@example.com', 'dave@example.com'],
    });
    expect(p.messageClass).toBe('IPM.Note.SMIME');
    expect([...p.payload]).toEqual([1, 2, 3, 4]);
    expect(p.envelope).toEqual({
      subject: 'Grüße',
      to: ['bob@example.com'],
      cc: ['carol@example.com'],
      bcc: ['dave@example.com'],
    });
  });

  it('uploads the whole signed entity of a clear-signed message as IPM.Note.SMIME.MultipartSigned', () => {
    const entity = [
      'Content-Type: multipart/signed; protocol="application/pkcs7-signature"; micalg=sha-256; boundary="b"',
      '',
      '--b',
      'Content-Type: text/plain',
      '',
      'hi',
      '--b',
      'Content-Type: application/pkcs7-signature; name="smime.p7s"',
      'Content-Transfer-Encoding: base64',
      '',
      'AQID',
      '--b--',
      '',
    ].join('\r\n');
    const mime = utf8(
      ['From: alice@example.com', 'To: bob@example.com', 'Subject: s', 'MIME-Version: 1.0', entity].join(
        '\r\n',
      ),
    );
    const p = largePayload(mime, { from: 'alice@example.com', recipients: ['bob@example.com'] });
    expect(p.messageClass).toBe('IPM.Note.SMIME.MultipartSigned');
    expect(fromUtf8(p.payload)).toBe(entity);
  });

  it('refuses to send an unprotected message the large way', () => {
    const mime = utf8('To: bob@example.com\r\nContent-Type: text/plain\r\n\r\nhi\r\n');
    expect(() => largePayload(mime, { from: 'a@example.com', recipients: ['bob@example.com'] })).toThrow(
      expect.objectContaining({ code: 'graph.too-large' }),
    );
  });
});
