/**
 * Cartons (大码) and middle packs (中码) as their boxes: the links the supplier's association file gave
 * (trace_packages), read down to the 小码. A code with no children is a box. Imports refuse cycles, so the walk
 * ends; the depth cap only guards against a database edited by hand.
 */
import { sql, type ReadDb } from '../../db/database';
import type { PackageLevel } from '../../../shared/tracePackages';

const MAX_DEPTH = 6;

export interface PackageHead {
  code: string;
  level: PackageLevel;
}

/** The code as a parent (its level), or null when it is not a carton or middle pack. */
export function packageHead(db: ReadDb, code: string): PackageHead | null {
  const row = sql(db, 'SELECT level FROM trace_packages WHERE parent_code = ? LIMIT 1').get(code) as { level: PackageLevel } | undefined;
  return row ? { code, level: row.level } : null;
}

/** The boxes (小码) packed in a carton or middle pack, at any depth, in code order. */
export function packageBoxCodes(db: ReadDb, code: string): string[] {
  return (
    sql(
      db,
      `WITH RECURSIVE tree (code, depth) AS (
         SELECT child_code, 1 FROM trace_packages WHERE parent_code = ?
         UNION ALL
         SELECT p.child_code, t.depth + 1 FROM trace_packages p JOIN tree t ON p.parent_code = t.code WHERE t.depth < ${MAX_DEPTH}
       )
       SELECT code FROM tree WHERE NOT EXISTS (SELECT 1 FROM trace_packages c WHERE c.parent_code = tree.code) ORDER BY code`,
    ).all(code) as { code: string }[]
  ).map((r) => r.code);
}

/** The direct children of a package: middle packs (level 2) or boxes (null). */
export function packageChildren(db: ReadDb, code: string): { code: string; level: PackageLevel | null }[] {
  return sql(
    db,
    `SELECT p.child_code AS code, (SELECT c.level FROM trace_packages c WHERE c.parent_code = p.child_code LIMIT 1) AS level
       FROM trace_packages p WHERE p.parent_code = ? ORDER BY p.child_code`,
  ).all(code) as { code: string; level: PackageLevel | null }[];
}

/** The packages a code is packed in, innermost first (a box's 中码, then its 大码). */
export function packedIn(db: ReadDb, code: string): PackageHead[] {
  const out: PackageHead[] = [];
  let current = code;
  for (let i = 0; i < MAX_DEPTH; i++) {
    const row = sql(db, 'SELECT parent_code AS code, level FROM trace_packages WHERE child_code = ?').get(current) as PackageHead | undefined;
    if (!row) break;
    out.push(row);
    current = row.code;
  }
  return out;
}
