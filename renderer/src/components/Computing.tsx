import { useEffect, useState } from 'react';
import { Spin, Typography } from 'antd';
import { periodLabel } from '../../../shared/settlement';
import { useApiQuery } from '../api/hooks';
import { useSession } from '../stores/session';

/** How long a read may take before the page says it goes on in the background: past this, people think it hung. */
const SLOW_AFTER_MS = 3000;

/**
 * Stands where a slow read's figures will be (issue 24: progress, never a frozen page): what is being computed,
 * a spinner, and after a few seconds that it goes on in the background while the page stays usable. Shown only
 * while the query has no answer for its current input, so a newer choice replaces it and no stale figures flash.
 * No percentage: the server does not report one, and an invented one would lie.
 */
export function Computing({ query, what }: { query: { isFetching: boolean; data: unknown }; what: string }) {
  const running = query.isFetching && query.data === undefined;
  const [slow, setSlow] = useState(false);
  // A new input restarts the clock: `what` names the input, so the slow line is about this request, not the last.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `what` is the request being waited for
  useEffect(() => {
    setSlow(false);
    if (!running) return;
    const timer = setTimeout(() => setSlow(true), SLOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, [running, what]);
  if (!running) return null;
  return (
    <div className="computing" role="status" aria-live="polite">
      <Spin size="small" />
      <div>
        <Typography.Text>正在{what}…</Typography.Text>
        {slow && (
          <div>
            <Typography.Text type="secondary">计算较久，仍在后台进行；页面可以继续使用，改选条件后以最新的选择为准。</Typography.Text>
          </div>
        )}
      </div>
    </div>
  );
}

/**
 * Which of the months are closed (read from the facts stored at their close) and which are open (computed live),
 * so the progress text can say so before the answer arrives. Unknown (undefined) for a village doctor, who may not
 * read the period list, and until it has loaded.
 */
export function useClosedThrough(): string | null | undefined {
  const role = useSession((s) => s.user?.role);
  const list = useApiQuery('periods.list', {}, { enabled: role !== undefined && role !== 'village_doctor', staleTime: 60_000 });
  return list.data ? list.data.latestClosed : undefined;
}

/** "汇总 2026年11月（未结账月份，实时计算）" — what a month's read is doing, in the words the page shows. */
export function monthWork(verb: string, period: string, closedThrough: string | null | undefined): string {
  if (closedThrough === undefined) return `${verb} ${periodLabel(period)}`;
  const closed = closedThrough !== null && period <= closedThrough;
  return `${verb} ${periodLabel(period)}（${closed ? '已结账月份，读取结账时固化的数据' : '未结账月份，实时计算'}）`;
}

/** The same for a range of months: which part is read from stored facts and which is computed live. */
export function rangeWork(verb: string, from: string, to: string, closedThrough: string | null | undefined): string {
  if (from === to) return monthWork(verb, from, closedThrough);
  const span = `${periodLabel(from)}至${periodLabel(to)}`;
  if (closedThrough === undefined) return `${verb} ${span}`;
  if (closedThrough !== null && to <= closedThrough) return `${verb} ${span}（均已结账，读取结账时固化的数据）`;
  if (closedThrough === null || from > closedThrough) return `${verb} ${span}（未结账月份，实时计算）`;
  return `${verb} ${span}（${periodLabel(closedThrough)}及以前已结账、读取固化数据，其后未结账、实时计算）`;
}

/** The note beside a month's figures once they are there: whether they can still change. */
export function ClosedMonthNote({ closed }: { closed: boolean }) {
  return (
    <Typography.Text type="secondary" className="closed-month-note">
      {closed ? '已结账月份，数据已固化' : '未结账月份，数字随业务实时变化'}
    </Typography.Text>
  );
}
