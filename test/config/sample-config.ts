/** Raw (unvalidated) configs for the config tests: a small valid one, and printers to add to it. */
import { validateConfig } from '../../config/validate.js';

export type Raw = Record<string, unknown>;

export function samplePrinter(index: number, overrides: Raw = {}): Raw {
  const id = `p${String(index).padStart(2, '0')}`;
  return {
    id,
    family: 'projet-6k',
    thing: `Printer-${id}`,
    address: `10.0.0.${index + 10}:7070`,
    identity: { hostName: `printer-${id}` },
    ...overrides,
  };
}

/** A fresh minimal valid config each call, so tests can change it freely. */
export function sampleConfig(): Raw {
  return {
    adapter: { id: 'nuc-1', thing: 'Adapter-nuc-1' },
    thingworx: { url: 'https://twx.example.com:8443', appKey: { env: 'TWX_APP_KEY' } },
    printers: [
      samplePrinter(1),
      samplePrinter(2, { family: 'mjp', identity: { fieldsPrinterId: 'p02' }, pushToken: { env: 'PUSH_TOKEN_P02' } }),
    ],
  };
}

/** The errors validateConfig reports; throws when it accepts the config. */
export function errorsOf(raw: unknown): string[] {
  const result = validateConfig(raw);
  if (result.ok) throw new Error('expected the config to be refused, but it was accepted');
  return result.errors;
}

export function printersOf(raw: Raw): Raw[] {
  return raw.printers as Raw[];
}
