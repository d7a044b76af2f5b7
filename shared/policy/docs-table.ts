/**
 * The admin guide's settings tables, generated from the one definition (a test keeps the guide in
 * step with it): every setting with type, default and the Microsoft parameters it stands for.
 */
import { SETTINGS, SETTING_KEYS, type SettingDef } from './settings-definition';

function typeText(d: SettingDef): string {
  switch (d.type) {
    case 'enum':
      return d.values.map((v) => `\`${v}\``).join(' \\| ');
    case 'integer':
      return `integer ${d.minimum}–${d.maximum}`;
    case 'string-list':
      return 'list of strings';
    default:
      return d.type;
  }
}

function defaultText(d: SettingDef): string {
  if (Array.isArray(d.default)) return d.default.length ? JSON.stringify(d.default) : '`[]`';
  return d.default === '' ? '(empty)' : `\`${String(d.default)}\``;
}

export function settingsTableMarkdown(): string {
  const rows = [
    '| setting | values | default | Microsoft equivalent | what it does |',
    '|---|---|---|---|---|',
  ];
  for (const k of SETTING_KEYS) {
    const d: SettingDef = SETTINGS[k];
    const ms = d.microsoft?.length ? d.microsoft.join(', ') : '—';
    rows.push(
      `| \`${k}\` | ${typeText(d)} | ${defaultText(d)} | ${ms} | ${d.description.replace(/\|/g, '\\|')} |`,
    );
  }
  return rows.join('\n');
}
