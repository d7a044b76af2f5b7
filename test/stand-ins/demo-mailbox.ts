/**
 * The demo mailbox behind `npm start`: the Entra, Graph and OWA stand-ins on 127.0.0.1 with a demo
 * PKI (a CA, Alice, Bob from shared/smime/demo-pki) and Bob's inbox seeded with messages from Alice,
 * signed and encrypted by the Sello core. A newcomer loads the extension, enters the settings this
 * returns, imports bob.p12 and the CA, opens the OWA stand-in and reads and writes S/MIME through
 * "Graph", without any Microsoft account. Everything here is a STAND-IN (docs/owa.md says which paths
 * are proven only against it: all of them).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pemEncode, utf8 } from '../../shared/bytes';
import { defaultEnv } from '../../shared/env';
import { exportPkcs12 } from '../../shared/keys/pkcs12';
import { createDemoPki, type DemoPki } from '../../shared/smime/demo-pki';
import { signAndEncrypt } from '../../shared/smime/encrypt';
import { signMessage } from '../../shared/smime/sign';
import { EntraStandIn } from './entra/entra-stand-in';
import { GraphStandIn } from './graph/graph-stand-in';
import { OwaFixture } from './owa/owa-fixture';

export const DEMO_CLIENT_ID = '5e110000-de70-4a11-b0b0-000000000001';
export const DEMO_TENANT = 'demo.sello.test';
export const DEMO_P12_PASSWORD = 'sello-demo';

export interface DemoMailboxOptions {
  /** Where to write bob.p12, alice.p12, the CA and the certificates (default: a new temp folder). */
  dir?: string;
  /** The unpacked extension folder whose id goes into the app registration (default extension/dist). */
  extensionDir?: string;
  /** More redirect URIs to accept (e.g. a packed extension's https://<id>.chromiumapp.org/). */
  redirectUris?: string[];
  ports?: { entra?: number; graph?: number; owa?: number };
}

export interface DemoMailbox {
  entra: EntraStandIn;
  graph: GraphStandIn;
  owa: OwaFixture;
  pki: DemoPki;
  extensionId: string;
  /** The Sello settings (options page, "Deployment") that point the extension at the stand-ins. */
  settings: {
    owaHosts: string[];
    graphClientId: string;
    graphTenantId: string;
    authorityUrl: string;
    graphUrl: string;
  };
  files: { dir: string; bobP12: string; aliceP12: string; caPem: string; alicePem: string; bobPem: string };
  p12Password: string;
  /** Graph ids of the seeded messages, newest last. */
  seeded: string[];
  stop(): Promise<void>;
}

/**
 * Chromium's id for an unpacked extension: the first 128 bits of SHA-256 of its absolute path, as
 * hex digits mapped 0-f -> a-p (extensions/common/extension_id.cc, GenerateIdForPath).
 */
export function unpackedExtensionId(dir: string): string {
  const hex = createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

function message(subject: string, text: string, date: Date): Uint8Array {
  return utf8(
    [
      'From: Alice Demo <alice@example.org>',
      'To: Bob Demo <bob@example.org>',
      `Subject: ${subject}`,
      `Date: ${date.toUTCString()}`,
      `Message-ID: <${subject.replace(/\W+/g, '-').toLowerCase()}@demo.sello.test>`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      text,
      '',
    ].join('\r\n'),
  );
}

export async function startDemoMailbox(opts: DemoMailboxOptions = {}): Promise<DemoMailbox> {
  const env = defaultEnv();
  const pki = await createDemoPki(env);
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), 'sello-demo-'));
  mkdirSync(dir, { recursive: true });
  const extensionId = unpackedExtensionId(opts.extensionDir ?? resolve(__dirname, '../../extension/dist'));

  const entra = new EntraStandIn({
    tenant: DEMO_TENANT,
    clientId: DEMO_CLIENT_ID,
    redirectUris: [`https://${extensionId}.chromiumapp.org/`, ...(opts.redirectUris ?? [])],
    requiredScopes: ['Mail.Send', 'Mail.Read', 'Mail.ReadWrite'],
    userPrincipalName: 'bob@example.org',
  });
  await entra.start(opts.ports?.entra ?? 0);
  const graph = new GraphStandIn(entra);
  await graph.start(opts.ports?.graph ?? 0);
  const owa = new OwaFixture(graph);
  await owa.start(opts.ports?.owa ?? 0);

  const now = env.now();
  const signOpts = { form: 'detached', hash: 'SHA-256', pss: false, chain: 'no-root' } as const;
  const seeded = [
    graph.addMessage(
      await signMessage(
        message('Welcome to Sello (signed)', 'Hi Bob, this one is signed by me. — Alice', now),
        pki.alice,
        signOpts,
        env,
      ),
    ),
    graph.addMessage(
      await signAndEncrypt(
        message(
          'Quarterly numbers (signed and encrypted)',
          'Hi Bob, the numbers are in: only you can read this, and you can tell it is from me. — Alice',
          now,
        ),
        pki.alice,
        signOpts,
        [pki.bob.certificate, pki.alice.certificate],
        { cipher: 'aes-256-gcm', keyTransport: 'rsaes-oaep-sha256', recipientId: 'issuer-serial' },
        env,
      ),
    ),
  ];

  const files = {
    dir,
    bobP12: join(dir, 'bob.p12'),
    aliceP12: join(dir, 'alice.p12'),
    caPem: join(dir, 'demo-ca.pem'),
    alicePem: join(dir, 'alice.pem'),
    bobPem: join(dir, 'bob.pem'),
  };
  writeFileSync(files.bobP12, await exportPkcs12(pki.bob, DEMO_P12_PASSWORD, env));
  writeFileSync(files.aliceP12, await exportPkcs12(pki.alice, DEMO_P12_PASSWORD, env));
  writeFileSync(files.caPem, pemEncode('CERTIFICATE', pki.ca.certificate));
  writeFileSync(files.alicePem, pemEncode('CERTIFICATE', pki.alice.certificate));
  writeFileSync(files.bobPem, pemEncode('CERTIFICATE', pki.bob.certificate));

  return {
    entra,
    graph,
    owa,
    pki,
    extensionId,
    settings: {
      owaHosts: [owa.host],
      graphClientId: DEMO_CLIENT_ID,
      graphTenantId: DEMO_TENANT,
      authorityUrl: entra.authority,
      graphUrl: graph.baseUrl,
    },
    files,
    p12Password: DEMO_P12_PASSWORD,
    seeded,
    async stop() {
      await owa.stop();
      await graph.stop();
      await entra.stop();
    },
  };
}

/** What `npm start` prints: where things are and the five settings to enter. */
export function describeDemoMailbox(d: DemoMailbox): string {
  return [
    'Sello demo mailbox (stand-ins for Outlook on the web, Microsoft Graph and Entra, on 127.0.0.1):',
    `  Outlook on the web stand-in: ${d.owa.url}/mail/inbox`,
    `  Graph stand-in:              ${d.graph.baseUrl}`,
    `  Entra stand-in:              ${d.entra.authority}`,
    '',
    '1. npm run build, then load extension/dist unpacked (chrome://extensions, developer mode).',
    `   Its id should be ${d.extensionId}; the sign-in stand-in accepts https://${d.extensionId}.chromiumapp.org/.`,
    '2. In Sello\u2019s options, Settings, Deployment:',
    ...Object.entries(d.settings).map(([k, v]) => `     ${k} = ${Array.isArray(v) ? v.join(', ') : v}`),
    `3. Import ${d.files.bobP12} (password ${d.p12Password}) and trust ${d.files.caPem}.`,
    '4. Open the Outlook stand-in, sign in with the Sello chip, open Alice\u2019s messages, reply to her.',
  ].join('\n');
}
