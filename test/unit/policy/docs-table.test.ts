import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsTableMarkdown } from '../../../shared/policy/docs-table';
import { SETTINGS, SETTING_KEYS } from '../../../shared/policy/settings-definition';
import {
  GET_SMIMECONFIG_STATUS,
  MOBILE_POLICY_PARAMETERS,
  SET_SMIMECONFIG_PARAMETERS,
} from './smime-config-parameters';

describe('admin guide', () => {
  it('carries the settings table generated from the definition (regenerate it when settings change)', () => {
    const guide = readFileSync(join(import.meta.dirname, '../../../docs/admin-guide.md'), 'utf8');
    expect(guide).toContain(settingsTableMarkdown());
  });

  it('maps every Set-SmimeConfig, Get-SmimeConfig status and mobile policy S/MIME parameter in a table row', () => {
    const guide = readFileSync(join(import.meta.dirname, '../../../docs/admin-guide.md'), 'utf8');
    const params = [...SET_SMIMECONFIG_PARAMETERS, ...GET_SMIMECONFIG_STATUS, ...MOBILE_POLICY_PARAMETERS];
    // Each one has its own row in a mapping table: a settings row (Microsoft equivalent column) or a
    // row of the table of parameters that have no setting.
    const rows = guide.split('\n').filter((l) => l.startsWith('|'));
    for (const p of params)
      expect(
        rows.some((r) => new RegExp(`\\b${p}\\b`).test(r)),
        p,
      ).toBe(true);
    expect(SETTING_KEYS.length).toBe(Object.keys(SETTINGS).length);
  });
});
