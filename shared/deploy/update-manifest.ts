/**
 * The update manifest Chrome and Edge poll at the extension's update_url (gupdate protocol 2.0):
 * https://developer.chrome.com/docs/extensions/how-to/distribute/host-on-linux#update_manifest
 */

function xmlAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function updateManifestXml(appId: string, codebase: string, version: string): string {
  if (!/^[a-p]{32}$/.test(appId)) throw new TypeError(`not an extension id: ${appId}`);
  if (!/^\d+(\.\d+){0,3}$/.test(version)) throw new TypeError(`not an extension version: ${version}`);
  return [
    "<?xml version='1.0' encoding='UTF-8'?>",
    "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>",
    `  <app appid="${xmlAttr(appId)}">`,
    `    <updatecheck codebase="${xmlAttr(codebase)}" version="${xmlAttr(version)}" />`,
    '  </app>',
    '</gupdate>',
    '',
  ].join('\n');
}
