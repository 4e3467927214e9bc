import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { api } from '../../shared/contract';
import { handlers } from '../../electron/api/handlers';
import { renderApiDocs } from '../../electron/tools/api-docs';

describe('API contract', () => {
  it('has exactly one handler per declared method', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(api).sort());
  });

  it('is documented: docs/api.md matches the contract (run `npm run docs:api` after changing it)', () => {
    const file = path.resolve(import.meta.dirname, '../../docs/api.md');
    expect(fs.readFileSync(file, 'utf8')).toBe(renderApiDocs());
  });

  it('declares who may call every method and whether it writes', () => {
    for (const [name, spec] of Object.entries(api)) {
      expect(spec.summary.length, name).toBeGreaterThan(3);
      expect(spec.access === 'public' || spec.access === 'authenticated' || spec.access.length > 0, name).toBe(true);
      expect(typeof spec.write, name).toBe('boolean');
    }
  });
});
