/**
 * The fields of a parsed JSON event an application reads, kept, and the rest let go: a window's
 * events wait in memory until it is acknowledged, and a Filebeat document of ~0.5 KB carries a
 * handful of fields the adapter uses. The document is parsed by JSON.parse (untrusted input goes
 * through the standard parser, STYLE.md); this only walks the selected keys of its result.
 *
 * The result is the parsed value, pruned: an object keeps only its selected own keys; a selected
 * leaf keeps a string, number, boolean or null; an array, or an object where a leaf was selected,
 * becomes null; a document that is not an object is its primitive value, or null for an array.
 */

/** Keys to keep: `true` keeps the value (a leaf), a nested selection keeps that object's selected keys. */
export interface JsonFieldSelection {
  readonly [key: string]: JsonFieldSelection | true;
}

/** A selection as a list, checked once: walking it must not cost an Object.entries per object. */
type SelectedKeys = readonly (readonly [name: string, children: SelectedKeys | undefined])[];

const checkedSelections = new WeakMap<JsonFieldSelection, SelectedKeys>();

function keysOf(selection: JsonFieldSelection): SelectedKeys {
  let keys = checkedSelections.get(selection);
  if (keys === undefined) {
    keys = Object.entries(selection).map(([name, child]) => {
      // Results are plain objects: assigning this key would set their prototype.
      if (name === '__proto__') throw new Error('a JSON field selection cannot select __proto__');
      return [name, child === true ? undefined : keysOf(child)] as const;
    });
    checkedSelections.set(selection, keys);
  }
  return keys;
}

/** `parsed` (a JSON.parse result) pruned to `selection`. */
export function selectFields(parsed: unknown, selection: JsonFieldSelection): unknown {
  const keys = keysOf(selection);
  return isObject(parsed) ? selectObject(parsed, keys) : leaf(parsed);
}

function selectObject(object: Record<string, unknown>, keys: SelectedKeys): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, children] of keys) {
    // Own keys only: a document's "constructor" or "toString" is its own, anything else is not in it.
    if (!Object.hasOwn(object, name)) continue;
    const value = object[name];
    result[name] = children !== undefined && isObject(value) ? selectObject(value, children) : leaf(value);
  }
  return result;
}

function leaf(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? null : value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
