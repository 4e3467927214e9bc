import { ERROR_STATUS, type ErrorCode, type FieldIssue } from '../shared/errors';

/** An error meant for the user: a stable code and a Chinese message. Never carries a stack to the client. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues?: FieldIssue[];

  constructor(code: ErrorCode, message: string, issues?: FieldIssue[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.issues = issues;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what}不存在`);
export const forbidden = (message = '没有权限执行此操作') => new AppError('FORBIDDEN', message);
export const invalidState = (message: string) => new AppError('INVALID_STATE', message);
export const businessRule = (message: string, issues?: { path: string; message: string }[]) => new AppError('BUSINESS_RULE', message, issues);
