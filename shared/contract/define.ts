import type { z } from 'zod';

export const ROLES = ['admin', 'pharmacist', 'finance', 'village_doctor', 'director'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: '系统管理员',
  pharmacist: '药库管理员',
  finance: '财务',
  village_doctor: '村医',
  director: '院长（只读）',
};

/**
 * Who may call a method: anyone ('public'), any signed-in user ('authenticated'), or the listed roles.
 * Clinic ownership (a village doctor touches only their own clinic) is checked inside the handler.
 */
export type Access = 'public' | 'authenticated' | readonly Role[];

export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType, W extends boolean = boolean> {
  /** One line for docs/api.md and the access matrix. */
  summary: string;
  access: Access;
  /**
   * Writes run in one IMMEDIATE transaction together with their audit-log row, on the writer connection; reads
   * get the read-only connection, typed so that a write through it does not compile (electron/db/database.ts).
   */
  write: W;
  /**
   * A read that shows patients' personal data (个人信息保护法): every successful call writes an audit row, after
   * the answer is made and before it is sent (an answer whose audit row cannot be written is not sent).
   */
  auditedRead?: boolean;
  /** True when a village doctor's call is limited to their own clinic (documented in the matrix). */
  clinicScoped?: boolean;
  /** Raises the request body limit (e.g. workbook uploads) above the default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * The method takes a file (fileInput): the largest file, in bytes, the upload channel (`POST /api/upload/<method>`)
   * accepts for it. The body streams to disk and is cut off past this.
   */
  maxUploadBytes?: number;
  input: I;
  output: O;
}

export function defineMethod<I extends z.ZodType, O extends z.ZodType, W extends boolean>(spec: MethodSpec<I, O, W>): MethodSpec<I, O, W> {
  return spec;
}

export type AnyMethod = MethodSpec<z.ZodType, z.ZodType, boolean>;
