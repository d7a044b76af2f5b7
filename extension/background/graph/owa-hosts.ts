/**
 * The hosts of the `owaHosts` setting (host[:port], like Microsoft's AllowedDomainsByPolicy) as the
 * browser needs them: an origin for the sender check, a match pattern for chrome.scripting. On-premises
 * OWA is served over https; loopback (the demo mailbox, a local test server) over http.
 */
const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

export const MICROSOFT_OWA_ORIGINS = [
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://outlook.cloud.microsoft',
  // Personal Microsoft accounts (Outlook.com); their Graph sign-in uses the `consumers` tenant.
  'https://outlook.live.com',
];

/** The origin a host[:port] stands for. */
export function owaHostOrigin(host: string): string {
  const h = host.toLowerCase();
  return `${LOOPBACK.test(h) ? 'http' : 'https'}://${h}`;
}

/** A match pattern for the host (match patterns carry no port: they match every port of a host). */
export function hostPattern(host: string): string {
  const h = host.toLowerCase();
  return `${LOOPBACK.test(h) ? 'http' : 'https'}://${h.replace(/:\d+$/, '')}/*`;
}
