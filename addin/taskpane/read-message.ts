/**
 * Read mode: get the raw message, open it with the core, and describe what to show. The raw MIME comes
 * from the host (`getAsFileAsync`, Mailbox 1.14) when it has it, otherwise from Graph
 * (`GET /me/messages/{id}/$value`). Outlook hands add-ins a stub for some S/MIME items (it reports them
 * as a "Restricted Item"): then the mailbox copy is fetched, and if that is not S/MIME either, the pane
 * says so plainly instead of showing the stub as if it were the message.
 */
import type { CoreEnv } from '../../shared/env';
import { SelloError } from '../../shared/errors';
import type { GraphClient } from '../../shared/graph/graph-client';
import type { Settings } from '../../shared/policy/settings-definition';
import { assertSoftKeysAllowed } from '../../shared/smime/send-options';
import type { Verdict } from '../../shared/smime/verdict';
import { chainValidator, displayParts, isSmime, openMail, type DisplayParts } from './core';
import { getItemAsFile, graphMessageId, HostError, readItemInfo } from './host';
import type { Keystore } from './keystore';

export interface RawMessage {
  bytes: Uint8Array;
  via: 'host' | 'graph';
  /** Outlook reported (or gave) a restricted stub for this item. */
  restricted: boolean;
}

export type ReadOutcome =
  | { kind: 'opened'; raw: RawMessage; verdict: Verdict; parts: DisplayParts }
  | { kind: 'not-smime'; raw: RawMessage }
  | { kind: 'restricted-unreadable' };

const RESTRICTED = /restricted/i;

export async function fetchRawMessage(graph: () => Promise<GraphClient>): Promise<RawMessage> {
  const info = readItemInfo();
  const smimeClass = info.itemClass.startsWith('IPM.Note.SMIME');
  let restricted = false;
  try {
    const eml = await getItemAsFile();
    if (eml && (isSmime(eml) || !smimeClass)) return { bytes: eml, via: 'host', restricted: false };
    // The host answered, but with something other than the S/MIME item it says this is.
    if (eml) restricted = true;
  } catch (e) {
    if (!(e instanceof HostError)) throw e;
    restricted = RESTRICTED.test(`${e.hostName} ${e.message}`);
    // Any other host failure: the mailbox copy through Graph is the documented alternative.
  }
  const client = await graph();
  const bytes = await client.getMime(graphMessageId(info.itemId));
  return { bytes, via: 'graph', restricted: restricted || (smimeClass && !isSmime(bytes)) };
}

export async function readCurrentMessage(
  graph: () => Promise<GraphClient>,
  keystore: Keystore,
  settings: Pick<Settings, 'trustAnchors' | 'allowSoftCertificates'>,
  env: CoreEnv,
): Promise<ReadOutcome> {
  const raw = await fetchRawMessage(graph);
  if (!isSmime(raw.bytes))
    return raw.restricted ? { kind: 'restricted-unreadable' } : { kind: 'not-smime', raw };
  // allowSoftCertificates: false forbids every key the add-in holds (all are software keys): none is
  // even unsealed, and an encrypted message is refused with the policy's reason, as the extension does.
  const keys = settings.allowSoftCertificates ? await keystore.unsealAll() : [];
  const validateChain = chainValidator(
    { organisationPem: settings.trustAnchors, user: await keystore.trustAnchors() },
    env,
  );
  const verdict = await openMail(raw.bytes, { keys, validateChain }, env);
  if (!settings.allowSoftCertificates && verdict.layers.some((l) => l.kind === 'encrypted'))
    assertSoftKeysAllowed(settings);
  if (!verdict.content) {
    throw new SelloError(
      'smime.no-content',
      verdict.errors[0]?.message ?? 'The message could not be opened.',
    );
  }
  return { kind: 'opened', raw, verdict, parts: displayParts(verdict.content) };
}
