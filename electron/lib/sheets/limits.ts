/**
 * Bounds on what one file may make the reader do. Every file is treated as hostile: a file past a bound is
 * refused with a message naming the bound, never read half-way.
 */
export interface SheetLimits {
  /** The file itself. */
  maxFileBytes: number;
  /** Sum of a zip's entries once inflated (xlsx, ods): measured by inflating, not taken from the directory. */
  maxUnzippedBytes: number;
  /** Inflated ÷ compressed size above which a large zip entry is a bomb (real sheets stay below ~30). */
  maxCompressionRatio: number;
  maxZipEntries: number;
  maxSheets: number;
  /** Rows of one sheet (up to its last non-empty row). */
  maxRows: number;
  /** Rows × columns of every sheet together: the memory the parsed workbook holds. */
  maxCells: number;
}

export const DEFAULT_LIMITS: SheetLimits = {
  maxFileBytes: 64 * 1024 * 1024,
  maxUnzippedBytes: 768 * 1024 * 1024,
  maxCompressionRatio: 200,
  maxZipEntries: 10_000,
  maxSheets: 100,
  maxRows: 1_048_576,
  maxCells: 12_000_000,
};

export function limitsWith(overrides: Partial<SheetLimits> = {}): SheetLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

export const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;
