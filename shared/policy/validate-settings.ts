/**
 * Validation of a settings object (admin policy, a settings.json given to `sello deploy build`, or what
 * the options page stores) against the one definition. Unknown keys and wrong types are refused with
 * the field and the reason: a policy typo must not silently fall back to a default.
 */
import * as v from 'valibot';
import { SelloError } from '../errors';
import {
  SETTINGS,
  SETTING_KEYS,
  type SettingDef,
  type SettingKey,
  type Settings,
} from './settings-definition';

function schemaFor(def: SettingDef): v.GenericSchema {
  switch (def.type) {
    case 'boolean':
      return v.boolean();
    case 'integer':
      return v.pipe(v.number(), v.integer(), v.minValue(def.minimum), v.maxValue(def.maximum));
    case 'enum':
      return v.picklist(def.values as unknown as string[], `must be one of: ${def.values.join(', ')}`);
    case 'string':
      return def.pattern
        ? v.union([
            v.literal(''),
            v.pipe(v.string(), v.regex(new RegExp(def.pattern), 'has the wrong format')),
          ])
        : v.string();
    case 'string-list': {
      const item = def.itemPattern
        ? v.pipe(v.string(), v.regex(new RegExp(def.itemPattern), 'has the wrong format'))
        : v.pipe(v.string(), v.maxLength(4096));
      return v.pipe(v.array(item), v.maxLength(def.maxItems, `has more than ${def.maxItems} entries`));
    }
  }
}

const entries = Object.fromEntries(SETTING_KEYS.map((k) => [k, v.optional(schemaFor(SETTINGS[k]))]));
const partialSettingsSchema = v.strictObject(
  entries,
  (issue) => `is not a Sello setting (${String(issue.input)})`,
);

export interface SettingsIssue {
  field: string;
  reason: string;
}

/** Validates a partial settings object; returns the issues (empty when valid). */
export function checkSettings(input: unknown): SettingsIssue[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [{ field: '(root)', reason: 'settings must be a JSON object' }];
  }
  // One reason per field: the first broken rule is the one worth telling.
  const r = v.safeParse(partialSettingsSchema, input, { abortPipeEarly: true });
  if (r.success) return [];
  return r.issues.map((i) => {
    const path = i.path?.map((p) => String(p.key)).join('.') ?? '(root)';
    // valibot reports unknown keys of a strictObject at the object level; name the key itself.
    const unknownKey = i.kind === 'schema' && i.type === 'strict_object' && i.path ? path : null;
    return { field: unknownKey ?? path, reason: i.message };
  });
}

/** Throws `policy.invalid` naming every bad field; returns the typed partial settings otherwise. */
export function parseSettings(input: unknown, source: string): Partial<Settings> {
  const issues = checkSettings(input);
  if (issues.length > 0) {
    const list = issues.map((i) => `${i.field}: ${i.reason}`).join('; ');
    throw new SelloError('policy.invalid', `${source}: ${list}`);
  }
  return input as Partial<Settings>;
}

export interface EffectiveSettings {
  values: Settings;
  /** Keys whose value an administrator set: the UI shows them locked ("set by your organisation"). */
  locked: Set<SettingKey>;
  /** Managed keys that were refused, so the options page can tell the admin-side problem. */
  managedIssues: SettingsIssue[];
}

/**
 * Defaults < user < managed. A managed value that fails validation is dropped (and reported) rather
 * than breaking the extension; the remaining managed values still apply and lock.
 */
export function mergeSettings(
  defaults: Settings,
  user: Partial<Settings>,
  managed: Record<string, unknown>,
): EffectiveSettings {
  const values = { ...defaults } as Record<string, unknown>;
  for (const [k, val] of Object.entries(user)) {
    if (k in SETTINGS && checkSettings({ [k]: val }).length === 0) values[k] = val;
  }
  const locked = new Set<SettingKey>();
  const managedIssues: SettingsIssue[] = [];
  for (const [k, val] of Object.entries(managed)) {
    const issues = checkSettings({ [k]: val });
    if (issues.length > 0) {
      managedIssues.push(...issues);
      continue;
    }
    values[k] = val;
    locked.add(k as SettingKey);
  }
  return { values: values as Settings, locked, managedIssues };
}
