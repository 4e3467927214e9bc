/** Stable, machine-readable error codes. Messages for people are Chinese and may change; codes may not. */
export const ERROR_STATUS = {
  VALIDATION: 400,
  BAD_REQUEST: 400,
  UNAUTHENTICATED: 401,
  SESSION_EXPIRED: 401,
  BAD_CREDENTIALS: 401,
  PASSWORD_CHANGE_REQUIRED: 403,
  FORBIDDEN: 403,
  FORBIDDEN_CLINIC: 403,
  CSRF: 403,
  NOT_FOUND: 404,
  UNKNOWN_METHOD: 404,
  CONFLICT: 409,
  DUPLICATE: 409,
  INVALID_STATE: 409,
  PERIOD_CLOSED: 409,
  INSUFFICIENT_STOCK: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BUSINESS_RULE: 422,
  /** A file offered for restore is not a usable Santong backup (corrupt, foreign, newer version). */
  BACKUP_INVALID: 422,
  /** The backup folder is missing, not writable, or otherwise unusable. */
  BACKUP_FOLDER: 422,
  TOO_MANY_REQUESTS: 429,
  INTERNAL: 500,
  DB_TOO_NEW: 500,
  /** The live database file is damaged: only restoring a backup is possible until it is replaced. */
  RECOVERY_MODE: 503,
  /** Started after an unclean shutdown: the database is being checked; try again in a moment. */
  DB_CHECKING: 503,
  /** The disk holding the database is full (SQLITE_FULL): nothing was saved. */
  DISK_FULL: 507,
  /** The database file could not be read or written (SQLITE_IOERR: a failing or removed disk): nothing was saved. */
  STORAGE_ERROR: 503,
  /** The database file or its folder is read-only (SQLITE_READONLY): nothing was saved. */
  DB_READONLY: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ApiErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** Field-level problems, e.g. [{ path: 'lines.0.qty', message: '必须大于 0' }]. */
    /** path: the field's machine path (`lines.0.qty`); place: where a person typed it ("第 1 行 数量"), when the contract names it. */
    issues?: FieldIssue[];
  };
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  return typeof value === 'object' && value !== null && 'error' in value && typeof (value as ApiErrorBody).error?.code === 'string';
}

/** One refused field of an input. */
export interface FieldIssue {
  path: string;
  place?: string;
  message: string;
}
