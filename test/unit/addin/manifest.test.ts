/**
 * The add-in manifest, checked offline: XSD validation with xmllint against the 2020 schema copies plus
 * the documented Smart Alerts elements (office-xsd/PROVENANCE.md), office-addin-manifest's parser, and
 * assertions on what the manifest promises: surfaces, permission, requirement sets and the launch event.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const manifestPath = join(root, 'manifest.xml');
const schema = join(__dirname, 'office-xsd/OfficeAppManifestV1_1.xsd');
const manifest = readFileSync(manifestPath, 'utf8');

const NS = {
  app: 'http://schemas.microsoft.com/office/appforoffice/1.1',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  bt: 'http://schemas.microsoft.com/office/officeappbasictypes/1.0',
  vo10: 'http://schemas.microsoft.com/office/mailappversionoverrides',
  vo11: 'http://schemas.microsoft.com/office/mailappversionoverrides/1.1',
};

const doc = new new JSDOM('').window.DOMParser().parseFromString(manifest, 'application/xml');

function all(ns: string, name: string, scope: Element | Document = doc): Element[] {
  return [...scope.getElementsByTagNameNS(ns, name)];
}
function xsiType(e: Element): string | null {
  return e.getAttributeNS(NS.xsi, 'type');
}
function validate(xmlFile: string): { ok: boolean; output: string } {
  const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', schema, xmlFile], { encoding: 'utf8' });
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe('manifest.xml', () => {
  it('is valid against the Office add-in manifest XSDs, offline', () => {
    const r = validate(manifestPath);
    expect(r.output).toContain('validates');
    expect(r.ok).toBe(true);
  });

  it('would be refused by the same schemas with a send mode that does not exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sello-manifest-'));
    const bad = join(dir, 'manifest.xml');
    writeFileSync(bad, manifest.replace('SendMode="Block"', 'SendMode="Sometimes"'));
    const r = validate(bad);
    expect(r.ok).toBe(false);
    expect(r.output).toContain('SendMode');
  });

  it('parses with office-addin-manifest info as a MailApp with ReadWriteItem', () => {
    const out = execFileSync(join(root, 'node_modules/.bin/office-addin-manifest'), ['info', manifestPath], {
      encoding: 'utf8',
    });
    expect(out).toContain('Type: MailApp');
    expect(out).toContain('Permissions: ReadWriteItem');
    expect(out).toMatch(/Id: [0-9a-f-]{36}/);
  });

  it('asks for ReadWriteItem and Mailbox 1.8 at least', () => {
    expect(all(NS.app, 'Permissions')[0]!.textContent).toBe('ReadWriteItem');
    const set = all(NS.app, 'Set').find((s) => s.getAttribute('Name') === 'Mailbox')!;
    expect(set.getAttribute('MinVersion')).toBe('1.8');
    expect(doc.documentElement.getAttributeNS(NS.xsi, 'type')).toBe('MailApp');
  });

  it('asks for Mailbox 1.12 on the VersionOverrides with the OnMessageSend launch event, 1.8 on the outer one', () => {
    const minimum = (vo: Element, ns: string) =>
      all(NS.bt, 'Sets', all(ns, 'Requirements', vo)[0]!)[0]!.getAttribute('DefaultMinVersion');
    const outer = all(NS.vo10, 'VersionOverrides')[0]!;
    const inner = all(NS.vo11, 'VersionOverrides')[0]!;
    // Microsoft's Smart Alerts walkthrough: OnMessageSend came with Mailbox 1.12; older hosts use 1.0.
    expect(minimum(inner, NS.vo11)).toBe('1.12');
    expect(all(NS.vo11, 'LaunchEvent', inner).some((e) => e.getAttribute('Type') === 'OnMessageSend')).toBe(
      true,
    );
    expect(minimum(outer, NS.vo10)).toBe('1.8');
    expect(all(NS.vo10, 'ExtensionPoint', outer).map(xsiType)).not.toContain('LaunchEvent');
  });

  it('nests VersionOverrides 1.1 inside 1.0', () => {
    const outer = all(NS.vo10, 'VersionOverrides');
    expect(outer.map(xsiType)).toEqual(['VersionOverridesV1_0']);
    const inner = all(NS.vo11, 'VersionOverrides');
    expect(inner.map(xsiType)).toEqual(['VersionOverridesV1_1']);
    expect(inner[0]!.parentElement).toBe(outer[0]);
  });

  it('offers a read-mode and a compose-mode button, each opening the task pane', () => {
    const v11 = all(NS.vo11, 'VersionOverrides')[0]!;
    const points = all(NS.vo11, 'ExtensionPoint', v11);
    const surfaces = points.map(xsiType);
    expect(surfaces).toEqual(['MessageReadCommandSurface', 'MessageComposeCommandSurface', 'LaunchEvent']);
    const urls = new Map(
      all(NS.bt, 'Url', v11).map((u) => [u.getAttribute('id'), u.getAttribute('DefaultValue')]),
    );
    for (const [surface, control, mode] of [
      ['MessageReadCommandSurface', 'selloReadOpenPane', 'read'],
      ['MessageComposeCommandSurface', 'selloComposeOpenPane', 'compose'],
    ] as const) {
      const point = points.find((p) => xsiType(p) === surface)!;
      const button = all(NS.vo11, 'Control', point)[0]!;
      expect(button.getAttribute('id')).toBe(control);
      const action = all(NS.vo11, 'Action', button)[0]!;
      expect(xsiType(action)).toBe('ShowTaskpane');
      const resid = all(NS.vo11, 'SourceLocation', action)[0]!.getAttribute('resid')!;
      expect(urls.get(resid)).toBe(`https://localhost:3000/taskpane.html?mode=${mode}`);
    }
  });

  it('blocks a plain send through an OnMessageSend launch event served by the commands runtime', () => {
    const v11 = all(NS.vo11, 'VersionOverrides')[0]!;
    const events = all(NS.vo11, 'LaunchEvent', v11).filter((e) => e.getAttribute('Type'));
    expect(events).toHaveLength(1);
    expect(events[0]!.getAttribute('Type')).toBe('OnMessageSend');
    expect(events[0]!.getAttribute('FunctionName')).toBe('onMessageSendHandler');
    expect(['Block', 'PromptUser']).toContain(events[0]!.getAttribute('SendMode'));
    const urls = new Map(
      all(NS.bt, 'Url', v11).map((u) => [u.getAttribute('id'), u.getAttribute('DefaultValue')]),
    );
    const runtime = all(NS.vo11, 'Runtime', v11)[0]!;
    expect(urls.get(runtime.getAttribute('resid'))).toBe('https://localhost:3000/commands.html');
    const override = all(NS.vo11, 'Override', runtime)[0]!;
    expect(override.getAttribute('type')).toBe('javascript');
    expect(urls.get(override.getAttribute('resid'))).toBe('https://localhost:3000/launch-event.js');
    // The handler names its alert button after this control so the alert opens the compose pane.
    const handler = ['launch-event.ts', 'send-policy.ts']
      .map((f) => readFileSync(join(root, 'addin/commands', f), 'utf8'))
      .join('\n');
    expect(handler).toContain("'onMessageSendHandler'");
    expect(handler).toContain("'selloComposeOpenPane'");
  });

  it('is localised in English and Spanish', () => {
    const strings = all(NS.bt, 'String');
    expect(strings.length).toBeGreaterThan(0);
    for (const s of strings) {
      const es = all(NS.bt, 'Override', s).find((o) => o.getAttribute('Locale') === 'es-ES');
      expect(es, s.getAttribute('id') ?? '').toBeDefined();
    }
  });

  it('serves everything from the one add-in origin, over HTTPS', () => {
    const urls = [...manifest.matchAll(/(?:DefaultValue|Value)="(https?:\/\/[^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThan(5);
    for (const u of urls) expect(new URL(u).origin).toBe('https://localhost:3000');
  });
});
