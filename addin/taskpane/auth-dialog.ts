/// <reference types="office-js" />
/**
 * The sign-in dialog's page, on the add-in's own origin (an Office dialog must start there). Opened with
 * `?start=<authorize URL>` it goes to Microsoft Entra; Entra redirects back here with `?code=&state=`
 * (or an error), and this page hands that whole URL to the task pane, which checks the state and
 * redeems the code with its PKCE verifier. Only Entra's authorize URL is followed.
 */
const url = new URL(location.href);
const start = url.searchParams.get('start');

void Office.onReady(() => {
  if (start) {
    const target = new URL(start);
    const secure = target.protocol === 'https:' || ['127.0.0.1', 'localhost'].includes(target.hostname);
    if (!secure || !/\/oauth2\/v2\.0\/authorize$/.test(target.pathname)) {
      // Not an Entra authorize address: refuse to be an open redirector; the pane then reports a
      // sign-in answer that does not match its request.
      Office.context.ui.messageParent(`${location.origin}${location.pathname}?error=invalid_request`);
      return;
    }
    location.replace(target.href);
    return;
  }
  Office.context.ui.messageParent(location.href);
});
