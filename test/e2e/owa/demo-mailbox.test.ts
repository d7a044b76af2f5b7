/**
 * `startDemoMailbox()` (what `npm start` brings up): the stand-ins answer, Bob's inbox holds Alice's
 * signed and encrypted messages made by the core, the OWA stand-in lists them as S/MIME, and the
 * files a newcomer imports are what OpenSSL and the core expect.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultEnv } from '../../../shared/env';
import { importPkcs12 } from '../../../shared/keys/pkcs12';
import { createChainValidator } from '../../../shared/pki';
import { openMessage } from '../../../shared/smime/open';
import { describeDemoMailbox, startDemoMailbox, type DemoMailbox } from '../../stand-ins/demo-mailbox';

let demo: DemoMailbox;

beforeAll(async () => {
  demo = await startDemoMailbox();
});

afterAll(async () => {
  await demo?.stop();
});

describe('the demo mailbox', () => {
  it('lists Alice’s seeded messages to Bob as S/MIME in the OWA stand-in', async () => {
    const inbox = (await (await fetch(`${demo.owa.url}/api/messages`)).json()) as {
      id: string;
      subject: string;
      smime: boolean;
    }[];
    expect(inbox.map((m) => m.id).sort()).toEqual([...demo.seeded].sort());
    expect(inbox.every((m) => m.smime)).toBe(true);
    expect(inbox.map((m) => m.subject)).toContain('Quarterly numbers (signed and encrypted)');
    const page = await (await fetch(`${demo.owa.url}/mail/inbox`)).text();
    expect(page).toContain('aria-label="Reading Pane"');
  });

  it('writes a bob.p12 that OpenSSL and the core read, and the core opens Alice’s encrypted message with it', async () => {
    execFileSync('openssl', [
      'pkcs12',
      '-in',
      demo.files.bobP12,
      '-passin',
      `pass:${demo.p12Password}`,
      '-noout',
    ]);
    const env = defaultEnv();
    const p12 = await importPkcs12(new Uint8Array(readFileSync(demo.files.bobP12)), demo.p12Password, env);
    const bob = p12.identities[0]!;
    const encrypted = demo.graph.messages.get(demo.seeded[1]!)!.mime!;
    const verdict = await openMessage(
      encrypted,
      { keys: [bob], validateChain: createChainValidator({ anchors: [demo.pki.ca.certificate], env }) },
      env,
    );
    expect(verdict.valid).toBe(true);
    expect(verdict.trusted).toBe(true);
    expect(new TextDecoder().decode(verdict.content!)).toContain('only you can read this');
  });

  it('tells the newcomer the settings to enter', () => {
    const text = describeDemoMailbox(demo);
    expect(text).toContain(`owaHosts = ${demo.owa.host}`);
    expect(text).toContain(`graphUrl = ${demo.graph.baseUrl}`);
    expect(text).toContain(`authorityUrl = ${demo.entra.authority}`);
  });
});
