import { AppError } from '../errors';
import type { HandlerContext } from './context';

export const forbiddenClinic = () => new AppError('FORBIDDEN_CLINIC', '村医只能查看和操作本卫生室的数据');

/**
 * The clinic a call may touch. A village doctor always gets their own clinic, and asking for any other
 * is refused (never silently rewritten, so tampering shows up in the audit log). Hub roles get what
 * they asked for, or null for "all clinics".
 */
export function clinicScope(ctx: Pick<HandlerContext, 'user'>, requested?: number | null): number | null {
  const user = ctx.user;
  if (user.role !== 'village_doctor') return requested ?? null;
  if (requested != null && requested !== user.clinicId) throw forbiddenClinic();
  return user.clinicId;
}

/** Refuses a village doctor access to a record that belongs to another clinic (or to the hub: null). */
export function assertClinicAccess(ctx: HandlerContext, ownerClinicId: number | null): void {
  const user = ctx.user;
  if (user.role === 'village_doctor' && ownerClinicId !== user.clinicId) throw forbiddenClinic();
}

export function isHubRole(ctx: HandlerContext): boolean {
  return ctx.user.role !== 'village_doctor';
}
