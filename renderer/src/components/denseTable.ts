/**
 * The hub's list tables on a 1366×768 laptop (issue 17): small rows so ten or more show without scrolling the page,
 * and the column titles kept in view under the app's sticky header (56 px, ThemeRoot) when the page does scroll.
 */
export const STICKY_UNDER_HEADER = { offsetHeader: 56 } as const;

/** The props every hub list table takes: small rows, one line a row (styles.css .dense-list), the sticky header. */
export const DENSE_LIST = { size: 'small', sticky: STICKY_UNDER_HEADER, className: 'dense-list' } as const;
