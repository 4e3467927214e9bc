/** The prefecture's audit log: every write, every refusal, every package received or refused (append-only). */
import type { Client, Pool } from './db';

export interface CentralUser {
  id: number;
  username: string;
  displayName: string;
  role: 'prefecture_admin' | 'county_viewer' | 'director';
  countyCode: string | null;
  mustChangePassword: boolean;
}

export interface AuditEntry {
  at: Date;
  user: CentralUser | null;
  ip: string;
  method: string;
  outcome: 'ok' | 'denied' | 'rejected';
  errorCode?: string;
  target?: string | null;
  details?: Record<string, unknown>;
}

export async function writeAudit(db: Pool | Client, e: AuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_log (at, user_id, username, role, ip, method, outcome, error_code, target, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      e.at.toISOString(),
      e.user?.id ?? null,
      e.user?.username ?? null,
      e.user?.role ?? null,
      e.ip,
      e.method,
      e.outcome,
      e.errorCode ?? null,
      e.target ?? null,
      e.details ? JSON.stringify(e.details) : null,
    ],
  );
}
