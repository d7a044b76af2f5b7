import type { FuzzTarget } from '../target';
import { corpusFiles } from '../corpus';
import {
  decodeBody,
  decodeText,
  getFilename,
  getHeader,
  parseAddresses,
  parseMessage,
  type MimeEntity,
} from '../../../shared/mime';

function walk(e: MimeEntity, visit: (e: MimeEntity) => void): void {
  visit(e);
  for (const c of e.children) walk(c, visit);
}

/** The MIME parser and every decoder the read path applies to what it parsed. */
export const target: FuzzTarget = {
  name: 'mime',
  seeds: () => corpusFiles('thunderbird-nss/smime', /\.eml$/, 30),
  dictionary: [
    'Content-Type: multipart/mixed; boundary="b"\r\n',
    '\r\n--b\r\n',
    '\r\n--b--\r\n',
    'Content-Transfer-Encoding: quoted-printable\r\n',
    'Content-Transfer-Encoding: base64\r\n',
    '=?utf-8?B?w6k=?=',
    "filename*0*=utf-8''%C3%A9;",
    'message/rfc822',
    'From: "a, b" <a@b>, c@d\r\n',
  ],
  run(data) {
    const root = parseMessage(data);
    walk(root, (e) => {
      decodeBody(e);
      if (e.contentType.type === 'text') decodeText(e);
      getFilename(e);
    });
    const from = getHeader(root, 'from');
    if (from) parseAddresses(from);
  },
};
