import type { ErrorCode } from '../../../shared/errors';

/** Why a file was refused, for code (tests, logs, the preview's icon); the message is for people. */
export type SheetRefusalReason =
  | 'TOO_LARGE'
  | 'EMPTY'
  | 'EXECUTABLE'
  | 'NOT_A_SPREADSHEET'
  | 'ENCRYPTED'
  | 'ZIP_BOMB'
  | 'TOO_MANY_CELLS'
  | 'OUT_OF_MEMORY'
  | 'TIMEOUT'
  | 'UNREADABLE';

/** The API error code each refusal maps to (shared/errors.ts): what an integrator throws as AppError. */
const APP_CODE: Record<SheetRefusalReason, ErrorCode> = {
  TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  EMPTY: 'VALIDATION',
  EXECUTABLE: 'UNSUPPORTED_MEDIA_TYPE',
  NOT_A_SPREADSHEET: 'UNSUPPORTED_MEDIA_TYPE',
  ENCRYPTED: 'VALIDATION',
  ZIP_BOMB: 'PAYLOAD_TOO_LARGE',
  TOO_MANY_CELLS: 'PAYLOAD_TOO_LARGE',
  OUT_OF_MEMORY: 'PAYLOAD_TOO_LARGE',
  TIMEOUT: 'PAYLOAD_TOO_LARGE',
  UNREADABLE: 'VALIDATION',
};

/**
 * A file that will not be read, and why, in Chinese. Thrown by every reader in this folder for the file's own
 * faults; anything else thrown is a bug. `appCode` is the API error code to answer with
 * (`new AppError(e.appCode, e.message)`).
 */
export class SheetFileRefused extends Error {
  readonly reason: SheetRefusalReason;
  readonly appCode: ErrorCode;

  constructor(reason: SheetRefusalReason, message: string) {
    super(message);
    this.name = 'SheetFileRefused';
    this.reason = reason;
    this.appCode = APP_CODE[reason];
  }
}

export const refuse = (reason: SheetRefusalReason, message: string) => new SheetFileRefused(reason, message);

export function isSheetFileRefused(e: unknown): e is SheetFileRefused {
  return e instanceof SheetFileRefused;
}
