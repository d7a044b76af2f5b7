import { describe, expect, it } from 'vitest';
import { SETTINGS, SETTING_KEYS, defaultSettings } from '../../../shared/policy/settings-definition';
import { checkSettings, mergeSettings, parseSettings } from '../../../shared/policy/validate-settings';
import { managedSchema } from '../../../shared/policy/managed-schema';
import { isSelloError } from '../../../shared/errors';

describe('settings definition', () => {
  it('gives defaults that pass their own validation', () => {
    expect(checkSettings(defaultSettings())).toEqual([]);
  });

  it('generates a managed schema with one property per setting and Chrome-supported types only', () => {
    const schema = managedSchema() as { type: string; properties: Record<string, { type: string }> };
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties).sort()).toEqual([...SETTING_KEYS].sort());
    for (const p of Object.values(schema.properties)) {
      expect(['boolean', 'integer', 'string', 'array']).toContain(p.type);
    }
    expect(schema.properties.encryptionAlgorithm).toMatchObject({
      enum: SETTINGS.encryptionAlgorithm.values,
    });
  });

  it('refuses an unknown key, naming it', () => {
    const issues = checkSettings({ alwaysSing: true });
    expect(issues).toHaveLength(1);
    expect(issues[0]!.field).toBe('alwaysSing');
  });

  it('refuses wrong types with the field and the reason', () => {
    const issues = checkSettings({ alwaysSign: 'yes', crlRetrievalTimeoutMs: 10.5, signingHash: 'sha1' });
    expect(issues.map((i) => i.field).sort()).toEqual(['alwaysSign', 'crlRetrievalTimeoutMs', 'signingHash']);
    expect(issues.find((i) => i.field === 'signingHash')!.reason).toContain('sha256');
  });

  it('refuses a trust anchor that is not a PEM certificate and an owa host with a path', () => {
    const issues = checkSettings({ trustAnchors: ['hello'], owaHosts: ['mail.example.com/owa'] });
    expect(issues.map((i) => i.field).sort()).toEqual(['owaHosts.0', 'trustAnchors.0']);
  });

  it('throws policy.invalid from parseSettings with every bad field in the message', () => {
    try {
      parseSettings({ alwaysSign: 1, nope: true }, 'settings.json');
      expect.unreachable();
    } catch (e) {
      expect(isSelloError(e, 'policy.invalid')).toBe(true);
      expect((e as Error).message).toMatch(/settings\.json: .*alwaysSign/);
      expect((e as Error).message).toContain('nope');
    }
  });

  it('refuses non-objects as settings', () => {
    expect(checkSettings([])).toHaveLength(1);
    expect(checkSettings(null)).toHaveLength(1);
    expect(checkSettings('x')).toHaveLength(1);
  });

  it('merges defaults < user < managed, locks managed keys and drops invalid managed values visibly', () => {
    const eff = mergeSettings(
      defaultSettings(),
      { alwaysSign: false, signingHash: 'sha512' },
      { alwaysSign: true, autoLockMinutes: 'ten' },
    );
    expect(eff.values.alwaysSign).toBe(true);
    expect(eff.values.signingHash).toBe('sha512');
    expect(eff.values.autoLockMinutes).toBe(15);
    expect([...eff.locked]).toEqual(['alwaysSign']);
    expect(eff.managedIssues.map((i) => i.field)).toEqual(['autoLockMinutes']);
  });
});
