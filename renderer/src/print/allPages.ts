/**
 * Every page of a paged list, up to `limit` rows: a printout lists all that the screen's filter selects, not the
 * screen's page. Returns the rows and the last page's answer (for the totals it carries).
 */
export async function allPages<Answer extends { rows: unknown[]; total: number }>(
  fetchPage: (page: number, pageSize: number) => Promise<Answer>,
  limit = Number.POSITIVE_INFINITY,
): Promise<{ rows: Answer['rows']; last: Answer }> {
  const rows: Answer['rows'] = [];
  for (let page = 1; ; page++) {
    const last = await fetchPage(page, 500);
    rows.push(...last.rows);
    if (rows.length >= last.total || last.rows.length === 0 || rows.length >= limit) return { rows: rows.slice(0, limit), last };
  }
}
