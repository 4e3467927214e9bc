import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { api } from '../../shared/contract';
import { ROLES } from '../../shared/contract/define';
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
      if (typeof spec.access === 'string') expect(['public', 'authenticated'], name).toContain(spec.access);
      else {
        expect(spec.access.length, name).toBeGreaterThan(0);
        for (const r of spec.access) expect(ROLES, `${name}: ${r}`).toContain(r);
        expect(new Set(spec.access).size, name).toBe(spec.access.length);
      }
      expect(typeof spec.write, name).toBe('boolean');
    }
  });
});
