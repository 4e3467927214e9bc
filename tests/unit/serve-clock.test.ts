import { describe, expect, it } from 'vitest';
import { offsetClock } from '../../electron/app';

process.env.SANTONG_NO_MAIN = '1';
const { parseServeArgs } = await import('../../electron/serve');

describe('serve --clock (training and end-to-end tests)', () => {
  it('runs on real time by default', () => {
    expect(parseServeArgs([]).clock).toBeNull();
  });

  it('starts the clock at the given instant', () => {
    expect(parseServeArgs(['--clock', '2026-03-16T09:00:00+08:00']).clock?.toISOString()).toBe('2026-03-16T01:00:00.000Z');
  });

  it('refuses what is not an instant', () => {
    expect(() => parseServeArgs(['--clock', 'next tuesday'])).toThrow('时间无效');
    expect(() => parseServeArgs(['--clock', '2026-13-40T00:00:00Z'])).toThrow('时间无效');
    expect(() => parseServeArgs(['--clock', '1'])).toThrow('时间无效');
  });

  it('runs on from its start at real speed', async () => {
    const start = new Date('2026-03-16T01:00:00.000Z');
    const before = Date.now(); // wall-clock: the clock under test runs on from real time; only the elapsed time is read
    const clock = offsetClock(start);
    const first = clock.now().getTime();
    const elapsed = Date.now() - before; // wall-clock: elapsed time, as above
    expect(first - start.getTime()).toBeGreaterThanOrEqual(0);
    expect(first - start.getTime()).toBeLessThanOrEqual(elapsed);
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now().getTime()).toBeGreaterThan(first);
  });
});
