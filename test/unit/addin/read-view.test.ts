// @vitest-environment jsdom
/**
 * What the read pane draws: the status bar from a Verdict alone (English and Spanish), and opened HTML
 * with every remote reference removed and no script left.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { allKeys, setLanguage } from '../../../addin/taskpane/i18n';
import { sanitiseHtml } from '../../../addin/taskpane/safe-content';
import { renderStatusBar, statusLines } from '../../../addin/taskpane/status-bar';
import type { SignerInfoResult, Verdict } from '../../../shared/smime/verdict';

const signer: SignerInfoResult = {
  certificate: null,
  subject: 'CN=Alice,O=Example',
  issuer: 'CN=Example CA',
  serialNumber: '01',
  emails: ['alice@example.test'],
  signingTime: null,
  digestAlgorithm: 'SHA-256',
  signatureAlgorithm: 'RSASSA-PKCS1-v1_5',
  intact: true,
  weak: false,
  trust: null,
  errors: [],
};

function verdict(over: Partial<Verdict> = {}): Verdict {
  return {
    layers: [
      {
        kind: 'encrypted',
        structure: 'EnvelopedData',
        contentCipher: 'aes-256-cbc',
        keyManagement: 'rsaes-pkcs1-v1_5',
        integrityProtected: false,
        weak: false,
        recipientCount: 1,
      },
      { kind: 'signed', form: 'detached', coveredPath: '', signers: [signer], ignored: null },
    ],
    valid: true,
    trusted: false,
    fromMatchesSigner: true,
    from: ['alice@example.test'],
    sender: null,
    coverage: { kind: 'whole', signedPaths: [''], unsignedPaths: [] },
    content: new Uint8Array(),
    warnings: [],
    errors: [],
    ...over,
  };
}

afterEach(() => setLanguage('en'));

describe('read status bar', () => {
  it('says who signed, whether the sender matches, the coverage and the cipher', () => {
    const lines = statusLines(verdict()).map((l) => `${l.level}: ${l.text}`);
    expect(lines).toEqual([
      'ok: Signed by Alice <alice@example.test>.',
      'warn: The certificate is not trusted: no trusted issuer is configured.',
      'ok: The sender alice@example.test matches the certificate.',
      'ok: The signature covers the whole message.',
      'ok: Encrypted (AES-256-CBC, rsaes-pkcs1-v1_5).',
    ]);
  });

  it('shows the certificate attributes senderCertificateAttributesToDisplay asks for, after the signer', () => {
    const lines = statusLines(verdict(), { attributesToDisplay: ['O', 'email', 'OU'] });
    expect(lines[1]).toEqual({ level: 'info', text: 'Certificate: O: Example; email: alice@example.test' });
    expect(statusLines(verdict()).some((l) => l.text.startsWith('Certificate:'))).toBe(false);
    setLanguage('es');
    expect(statusLines(verdict(), { attributesToDisplay: ['O'] })[1]!.text).toBe('Certificado: O: Example');
  });

  it('lists a signature the core set aside, and does not count its signer', () => {
    const lines = statusLines(
      verdict({
        layers: [
          {
            kind: 'signed',
            form: 'opaque',
            coveredPath: '',
            signers: [signer],
            ignored: 'signature over ciphertext',
          },
        ],
      }),
    ).map((l) => l.text);
    expect(lines[0]).toBe('Not signed.');
    expect(lines).toContain('Another signature was not counted: signature over ciphertext');
  });

  it('flags a From that is not the signer and a signature that does not verify', () => {
    const mismatch = statusLines(verdict({ fromMatchesSigner: false, from: ['mallory@example.test'] }));
    expect(mismatch.find((l) => l.level === 'bad')?.text).toContain('mallory@example.test does not match');
    const broken = statusLines(
      verdict({
        layers: [
          {
            kind: 'signed',
            form: 'detached',
            coveredPath: '',
            signers: [{ ...signer, intact: false }],
            ignored: null,
          },
        ],
      }),
    );
    expect(broken.map((l) => l.level)).toContain('bad');
    expect(broken.some((l) => l.text.includes('Not encrypted'))).toBe(true);
  });

  it('speaks Spanish when Office does, with every English key translated', () => {
    expect(allKeys('es').sort()).toEqual(allKeys('en').sort());
    setLanguage('es-ES');
    expect(statusLines(verdict())[0]!.text).toBe('Firmado por Alice <alice@example.test>.');
  });

  it('renders as a labelled status region whose levels are not carried by colour alone', () => {
    const host = document.createElement('div');
    renderStatusBar(host, verdict());
    expect(host.getAttribute('role')).toBe('status');
    expect(host.getAttribute('aria-label')).toBe('Security status');
    expect([...host.querySelectorAll('li')].map((li) => li.dataset.level)).toContain('warn');
  });
});

describe('sanitised content', () => {
  it('drops remote images, srcset, CSS urls and scripts, keeps data: and cid: images', () => {
    const { html, removedRemote } = sanitiseHtml(
      '<p onclick="x()">Hi</p><img src="https://t.example/p.gif"><img src="cid:logo@x"><img src="data:image/png;base64,AA==">' +
        '<div style="background:url(https://t.example/b.png)">b</div><img srcset="https://t.example/a.png 2x"><script>alert(1)</script>' +
        '<a href="javascript:alert(1)">j</a><a href="https://example.org/">ok</a>',
      { 'logo@x': 'data:image/png;base64,BB==' },
    );
    expect(html).not.toContain('t.example');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('onclick');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('src="data:image/png;base64,BB=="');
    expect(html).toContain('src="data:image/png;base64,AA=="');
    expect(html).toContain('rel="noopener noreferrer"');
    expect(removedRemote).toBe(3);
  });
});
