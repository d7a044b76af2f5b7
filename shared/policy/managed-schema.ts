/**
 * Generates the extension's `storage.managed_schema` (Chrome's policy schema: a JSON Schema subset with
 * type/properties/items/enum/minimum/maximum/pattern). Admin tooling and the build both call this,
 * so the schema always covers every setting in the definition. Chrome checks policy values against it
 * and withholds a value that does not match from storage.managed (shown as an error in
 * chrome://policy), so a mistyped tenant id or URL is caught by the browser as well as by Sello.
 */
import { SETTINGS, SETTING_KEYS, type SettingDef } from './settings-definition';

type JsonSchema = Record<string, unknown>;

function propertyFor(def: SettingDef): JsonSchema {
  const base = { title: def.description, description: def.description };
  switch (def.type) {
    case 'boolean':
      return { ...base, type: 'boolean' };
    case 'integer':
      return { ...base, type: 'integer', minimum: def.minimum, maximum: def.maximum };
    case 'enum':
      return { ...base, type: 'string', enum: [...def.values] };
    case 'string':
      // The empty string means "not set" for every patterned setting (validate-settings accepts it).
      return def.pattern
        ? { ...base, type: 'string', pattern: `^$|${def.pattern}` }
        : { ...base, type: 'string' };
    case 'string-list':
      return {
        ...base,
        type: 'array',
        items: def.itemPattern ? { type: 'string', pattern: def.itemPattern } : { type: 'string' },
      };
  }
}

export function managedSchema(): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(SETTING_KEYS.map((k) => [k, propertyFor(SETTINGS[k])])),
  };
}
