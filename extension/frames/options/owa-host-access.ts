/**
 * Access to the additional Outlook on the web hosts of the `owaHosts` setting. An https host is an
 * optional host permission, and Chrome grants one only through chrome.permissions.request called in a
 * user gesture on an extension page: this is that button, one per host not yet granted (also for hosts
 * the organisation set by policy). Once the browser grants it, the service worker registers the content
 * script for the host (permissions.onAdded, background/graph/owa-content-scripts.ts).
 */
import { hostPattern } from '../../background/graph/owa-hosts';
import { h } from '../common/dom';
import { t } from '../common/i18n';

/** The part of chrome.permissions this needs (passed in, so tests can stand in for the browser). */
export interface HostPermissions {
  contains(p: { origins: string[] }): Promise<boolean>;
  request(p: { origins: string[] }): Promise<boolean>;
}

/** Lists `hosts` in `container`: granted ones as such, the others with a "Grant access" button. */
export async function renderOwaHostAccess(
  container: HTMLElement,
  hosts: string[],
  perms: HostPermissions,
): Promise<void> {
  const unique = [...new Set(hosts.map((x) => x.trim().toLowerCase()).filter(Boolean))];
  const granted = await Promise.all(unique.map((x) => perms.contains({ origins: [hostPattern(x)] })));
  const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const rows = unique.map((host, i) => {
    if (granted[i]) {
      return h('li', { 'data-host': host, 'data-granted': 'true', text: t('owaHostGranted', host) });
    }
    const button = h('button', {
      type: 'button',
      text: t('owaHostGrant', host),
      onclick: () => {
        // No await before request(): Chrome accepts it only while the click's user gesture lasts.
        perms.request({ origins: [hostPattern(host)] }).then(
          (ok) => {
            if (ok) void renderOwaHostAccess(container, hosts, perms);
            else status.textContent = t('owaHostDenied', host);
          },
          () => (status.textContent = t('owaHostDenied', host)),
        );
      },
    });
    return h('li', { 'data-host': host, 'data-granted': 'false' }, button);
  });
  const needed = granted.some((g) => !g);
  const shown: HTMLElement[] = [];
  if (needed) shown.push(h('p', { class: 'muted', text: t('owaHostAccessHelp') }));
  if (rows.length) {
    shown.push(h('ul', { class: 'owa-host-access', 'aria-label': t('setting_owaHosts') }, ...rows), status);
  }
  container.replaceChildren(...shown);
}
