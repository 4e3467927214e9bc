#!/usr/bin/env node
/**
 * Runs the date-sensitive tests again as if the machine's calendar said other days, in other years and time
 * zones (libfaketime preloaded into the test runner and every server it starts; Chromium keeps the real clock,
 * see playwright.config.ts). A test that reads the machine's date instead of its hub's clock fails here even
 * when it passes today. Two days by default, each a whole run:
 * - late evening of a July day in a later year, in New York: China is already on the next day, New York is not;
 * - ten past midnight on New Year's Day in China: the machine's year, month and day are new, UTC's are not.
 *
 *   npm run test:other-day [-- --at "2031-07-15 23:40:00" --tz America/New_York]   (one day of your choosing)
 *
 * Needs Debian's `faketime` package (bash .ci/run installs it).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { at: { type: 'string' }, tz: { type: 'string' } } });
const DAYS = values.at
  ? [{ at: values.at, tz: values.tz ?? 'Asia/Shanghai' }]
  : [
      { at: '2031-07-15 23:40:00', tz: 'America/New_York' },
      { at: '2027-01-01 00:10:00', tz: 'Asia/Shanghai' },
    ];

/** The suites whose screens or rules count days: periods, statements, exports, dashboards, counts, the demo. */
const UNIT = [
  'tests/unit/test-clocks.test.ts',
  'tests/unit/settlement-periods.test.ts',
  'tests/unit/supervision.test.ts',
  'tests/unit/supervision-demo.test.ts',
  'tests/unit/amc.test.ts',
  'tests/unit/workbench.test.ts',
  'tests/unit/stocktake.test.ts',
];
const E2E = [
  'tests/e2e/settlement.spec.ts',
  'tests/e2e/insurance-export.spec.ts',
  'tests/e2e/supervision.spec.ts',
  'tests/e2e/stocktake.spec.ts',
  'tests/e2e/stock.spec.ts',
];

const LIB = ['/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1', '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1'].find((f) => fs.existsSync(f));
if (!LIB) {
  console.error('缺少 libfaketime：apt-get install -y faketime / libfaketime is missing (Debian package faketime)');
  process.exit(2);
}

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
for (const day of DAYS) {
  const env = {
    ...process.env,
    LD_PRELOAD: LIB,
    // '@' starts the fake clock at that instant and lets it run on at real speed.
    FAKETIME: `@${day.at}`,
    // Timers and timeouts keep the real monotonic clock.
    FAKETIME_DONT_FAKE_MONOTONIC: '1',
    TZ: day.tz,
  };
  const probe = spawnSync(process.execPath, ['-e', 'process.stdout.write(new Date().toString())'], { env, encoding: 'utf8' });
  console.log(`其他日期运行 / running as if it were: ${probe.stdout} (TZ=${day.tz})`);
  if (!probe.stdout.includes(day.at.slice(0, 4))) {
    console.error('libfaketime 没有生效 / the fake date did not take effect');
    process.exit(2);
  }
  for (const [cmd, args] of [
    [npx, ['vitest', 'run', ...UNIT]],
    [npx, ['playwright', 'test', ...E2E]],
  ]) {
    const run = spawnSync(cmd, args, { env, stdio: 'inherit' });
    if (run.status !== 0) process.exit(run.status ?? 1);
  }
}
