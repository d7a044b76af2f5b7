/**
 * The OWA stand-in page's model of what OWA shows without Microsoft's S/MIME control: which attachment
 * chip an item gets, and the compose form's auto-saved draft (with Bcc) — real HTTP on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphStandIn } from '../../stand-ins/graph/graph-stand-in';
import { OWA_COMPOSE_BODY_LABEL, startOwaFixture, type OwaFixture } from '../../stand-ins/owa/owa-fixture';

const graph = new GraphStandIn({ checkAccessToken: () => ({ ok: false, reason: 'unknown' }) });
let owa: OwaFixture;
const mime = (type: string) =>
  new TextEncoder().encode(`From: alice@example.com\r\nSubject: s\r\nContent-Type: ${type}\r\n\r\nx\r\n`);

beforeAll(async () => {
  owa = await startOwaFixture(graph, { composeBodyLabel: OWA_COMPOSE_BODY_LABEL });
});
afterAll(async () => {
  await owa.stop();
});

describe('the OWA fixture', () => {
  it('shows smime.p7m for pkcs7-mime items, smime.p7s for clear-signed ones and no chip for plain mail', async () => {
    const enc = graph.addMessage(mime('application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m'));
    const signed = graph.addMessage(
      mime('multipart/signed; protocol="application/pkcs7-signature"; boundary=b'),
    );
    const plain = graph.addMessage(mime('text/plain'));
    const listed = (await (await fetch(`${owa.url}/api/messages`)).json()) as {
      id: string;
      chip: string | null;
    }[];
    const chip = (id: string) => listed.find((m) => m.id === id)?.chip;
    expect([chip(enc), chip(signed), chip(plain)]).toEqual(['smime.p7m', 'smime.p7s', null]);
    const app = await (await fetch(`${owa.url}/app.js`)).text();
    expect(app).toContain("chip.setAttribute('aria-label', m.chip + ' 12 KB')");
    expect(app).toContain("field('Bcc')");
  });

  it('saves the typed draft with its Bcc as plaintext, as OWA does', async () => {
    const r = await fetch(`${owa.url}/api/drafts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: null,
        to: 'bob@example.com',
        bcc: 'carol@example.com',
        subject: 'q',
        body: 'hi',
      }),
    });
    const { id } = (await r.json()) as { id: string };
    const text = Buffer.from(graph.messages.get(id)!.mime!).toString();
    expect(text).toContain('Bcc: carol@example.com\r\n');
    expect(graph.messages.get(id)!.isDraft).toBe(true);
  });

  it('carries the real compose-body label when asked', async () => {
    const html = await (await fetch(`${owa.url}/mail/compose`)).text();
    expect(html).toContain('data-compose-body-label="Message body, press Alt+F10 to exit"');
  });
});
