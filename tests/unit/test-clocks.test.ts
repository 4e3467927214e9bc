/**
 * No test may depend on the day, the year or the time zone it runs in. Every hub a test makes runs on a clock
 * the test sets (a ManualClock, or `serve --clock`); this file holds the test code to it, and CI runs the
 * date-sensitive suites a second time under a fake system date in a later year and another zone
 * (`npm run test:other-day`, scripts/other-day.mjs).
 *
 * A line that must read the machine's clock (to measure elapsed time, or a file's modification time) says why
 * with a `wall-clock:` comment on the line or the line above.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { startServer } from '../e2e/fixtures';
import type { startServerProcess } from '../helpers/server-process';

const root = path.resolve(import.meta.dirname, '../..');

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' && dir.endsWith('tests') ? [] : testFiles(full);
    return /\.(ts|tsx|mjs)$/.test(e.name) ? [full] : [];
  });
}

/** Reads of the machine's clock: `new Date()` with no argument, `Date.now()`, `dayjs()` with no argument. */
const WALL_CLOCK_READ = /new Date\(\s*\)|\bDate\.now\(\s*\)|\bdayjs\(\s*\)/;

function wallClockReads(source: string): { line: number; text: string }[] {
  const lines = source.split('\n');
  return lines.flatMap((text, i) => {
    if (!WALL_CLOCK_READ.test(text)) return [];
    const said = /wall-clock:/.test(text) || /wall-clock:/.test(lines[i - 1] ?? '');
    return said ? [] : [{ line: i + 1, text: text.trim() }];
  });
}

describe('tests fix their own time', () => {
  const files = testFiles(path.join(root, 'tests')).filter((f) => f !== import.meta.filename);

  it('finds the reads it forbids (the check itself can fail)', () => {
    expect(wallClockReads('const t = new Date();\nconst u = Date.now();\nconst d = dayjs();').map((r) => r.line)).toEqual([1, 2, 3]);
    expect(wallClockReads("const t = new Date('2026-03-02');\nconst d = dayjs(x);\n// wall-clock: elapsed\nconst e = Date.now();")).toEqual([]);
  });

  it('no test reads the machine clock without saying why', () => {
    const found = files.flatMap((f) => wallClockReads(fs.readFileSync(f, 'utf8')).map((r) => `${path.relative(root, f)}:${r.line}  ${r.text}`));
    expect(found).toEqual([]);
  });

  it('every hub runtime a test makes is given a clock', () => {
    const bare = files.flatMap((f) =>
      fs
        .readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((text, i) => (/new Runtime\(\{/.test(text) && !/\bclock\b/.test(text) ? [`${path.relative(root, f)}:${i + 1}`] : [])),
    );
    expect(bare).toEqual([]);
  });

  it('a test server cannot be started without a clock (checked by the compiler)', () => {
    type ServerOptions = Parameters<typeof startServer>[0];
    type ProcessOptions = Parameters<typeof startServerProcess>[1];
    // @ts-expect-error the clock is required
    const noClock: ServerOptions = { demo: true };
    // @ts-expect-error the clock is required
    const noProcessClock: ProcessOptions = { args: ['--https'] };
    const withClock: ServerOptions = { clock: '2026-03-16T09:00:00+08:00' };
    expect([noClock, noProcessClock, withClock]).toHaveLength(3);
  });

  it('the browser tests run on a device clock and zone that are wrong on purpose', () => {
    const fixtures = fs.readFileSync(path.join(root, 'tests/e2e/fixtures.ts'), 'utf8');
    expect(fixtures).toMatch(/context\.clock\.install\(\{ time: DEVICE_CLOCK \}\)/);
    expect(fixtures).toMatch(/timezoneId: DEVICE_ZONE/);
  });
});

describe('pages show instants in China time, whatever the device says', () => {
  /** An instant formatted in the device's zone: dayjs(x).format(...) or toLocale*String with date parts. */
  const DEVICE_ZONE_FORMAT = /\bdayjs\([^)]+\)\.format\(|toLocale(Date|Time)?String\([^)]*\{[^}]*(year|hour|month)/;
  const sources = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? sources(full) : /\.tsx?$/.test(e.name) ? [full] : [];
    });
  // Calendar dates (a picker's day) are no instants: components/dates.ts formats those, nothing else may.
  const allowed = new Set([path.join(root, 'renderer/src/components/dates.ts')]);

  it('finds a device-zone format (the check itself can fail)', () => {
    expect(DEVICE_ZONE_FORMAT.test("dayjs(row.at).format('YYYY-MM-DD HH:mm:ss')")).toBe(true);
    expect(DEVICE_ZONE_FORMAT.test("new Date(at).toLocaleString('zh-CN', { year: 'numeric' })")).toBe(true);
    expect(DEVICE_ZONE_FORMAT.test("n.toLocaleString('zh-CN')")).toBe(false);
  });

  it('no page formats an instant itself: formatChinaDateTime (components/hubClock.ts) does', () => {
    const found = sources(path.join(root, 'renderer/src'))
      .filter((f) => !allowed.has(f))
      .flatMap((f) =>
        fs
          .readFileSync(f, 'utf8')
          .split('\n')
          .flatMap((text, i) => (DEVICE_ZONE_FORMAT.test(text) ? [`${path.relative(root, f)}:${i + 1}: ${text.trim()}`] : [])),
      );
    expect(found).toEqual([]);
  });
});
