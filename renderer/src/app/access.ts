import { useSession } from '../stores/session';
import { api, ROLES, type MethodName, type Role } from '../../../shared/contract';

/** The roles the contract lets call a method (the server refuses every other with FORBIDDEN). */
export function rolesOf(method: MethodName): readonly Role[] {
  const access = api[method].access;
  return access === 'public' || access === 'authenticated' ? ROLES : access;
}

export function mayCall(role: Role | undefined, method: MethodName): boolean {
  return role !== undefined && rolesOf(method).includes(role);
}

/**
 * Whether the signed-in user may call a method: pages show a button that posts (新建、保存、审核、过账、删除…) only
 * when it is true, so nobody sees a button the server would refuse them (a 院长 sees none that write).
 */
export function useCan(method: MethodName): boolean {
  const role = useSession((s) => s.user?.role);
  return mayCall(role, method);
}
