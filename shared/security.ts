/** Security vocabulary shared by the contract and the pages (no zod here, so the pages stay light). */
export const AUDIT_OUTCOMES = ['ok', 'denied', 'rejected'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

export const AUDIT_OUTCOME_LABELS: Record<AuditOutcome, string> = {
  ok: '成功',
  denied: '越权被拒',
  rejected: '未登录或登录失败',
};

/** The port the LAN server listens on unless the administrator picks another. */
export const DEFAULT_LAN_PORT = 8686;
