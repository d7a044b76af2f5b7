/**
 * senderCertificateAttributesToDisplay (OWASenderCertificateAttributesToDisplay): the signer
 * certificate attributes the organisation wants shown next to the sender in the read status bar.
 * Names are matched case-insensitively against the subject's attributes (CN, O, OU, C, L, ST,
 * serialNumber, emailAddress, or a dotted OID); "email" means the certificate's mail addresses.
 */
export interface SenderAttribute {
  name: string;
  value: string;
}

export function senderAttributes(
  wanted: readonly string[],
  signer: { subject: string | null; emails: string[] },
): SenderAttribute[] {
  if (wanted.length === 0) return [];
  const rdns = (signer.subject ?? '')
    .split(/,\s*(?=[A-Za-z0-9.]+=)/)
    .map((p) => p.split('='))
    .filter((kv) => kv.length >= 2)
    .map(([k, ...v]) => ({ name: k!.trim(), value: v.join('=').trim() }));
  const out: SenderAttribute[] = [];
  for (const w of wanted) {
    const key = w.trim().toLowerCase();
    if (!key) continue;
    if (key === 'email' || key === 'mail') {
      if (signer.emails.length) out.push({ name: w.trim(), value: signer.emails.join(', ') });
      continue;
    }
    const values = rdns.filter((r) => r.name.toLowerCase() === key).map((r) => r.value);
    if (values.length) out.push({ name: w.trim(), value: values.join(', ') });
  }
  return out.slice(0, 16);
}
