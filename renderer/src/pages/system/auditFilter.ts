import type { AUDIT_OUTCOMES } from '../../../../shared/security';

type Outcome = (typeof AUDIT_OUTCOMES)[number];

/** The audit log's filters as the page keeps them in its address (?userId=7&outcome=denied); the print reads the same. */
export function auditFilterFrom(params: URLSearchParams) {
  const num = (k: string) => (params.get(k) ? Number(params.get(k)) : undefined);
  const str = (k: string) => params.get(k) || undefined;
  return {
    userId: num('userId'),
    clinicId: num('clinicId'),
    method: str('method'),
    outcome: str('outcome') as Outcome | undefined,
    from: str('from'),
    to: str('to'),
    target: str('target'),
    ip: str('ip'),
  };
}
