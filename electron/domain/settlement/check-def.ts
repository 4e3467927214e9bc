/** The shape of one pre-close check (结账前检查); the table of them is in checks.ts. */
import type { ReadDb } from '../../db/database';
import type { CheckSeverity } from '../../../shared/settlement';

export interface CheckItem {
  label: string;
  detail: string | null;
  link: string | null;
}

export interface CheckContext {
  db: ReadDb;
  period: string;
  first: string;
  last: string;
  today: string;
}

export interface PreCloseCheckDef {
  key: string;
  title: string;
  severity: CheckSeverity;
  /** Why this check blocks or only warns, in a sentence the closer understands. */
  rule: string;
  link?: string | null;
  /** Returns the problems found (empty when all is well); `message` overrides the default summary. */
  run(c: CheckContext): { items: CheckItem[]; count?: number; message?: string };
}
