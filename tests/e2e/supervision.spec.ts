import { expect, login, screenshot, serverForFile, test } from './fixtures';
import { RULE_KEYS } from '../../shared/supervision';

test.describe.configure({ mode: 'serial' });

/**
 * The demo hub (with its planted anomalies): the 三保看板 draws real charts, a signal opens to the ledger
 * rows behind it, and the pharmacist dismisses it with a note.
 */
const server = serverForFile({ demo: true });

test('the dashboard draws real charts and drills down to rows', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await login(page, server.url, 'caiwu', 'santong-demo');
  await expect(page.getByRole('menuitem', { name: '三保看板' })).toBeAttached();
  await page.goto(new URL('/supervision/dashboard', server.url).href);
  await expect(page.getByRole('heading', { name: '三保看板' })).toBeVisible();
  const chart = page.getByRole('img', { name: '医保目录药品占比按月' });
  await expect(chart.locator('canvas')).toBeVisible();
  // Real drawing: the canvas holds painted pixels, not a blank box.
  await expect
    .poll(() =>
      chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
        const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
        return painted;
      }),
    )
    .toBeGreaterThan(1000);
  await expect.poll(() => page.locator('.echart canvas').count()).toBeGreaterThanOrEqual(6);
  await screenshot(page, 'supervision-dashboard');

  // A figure drills down to its rows.
  await page.getByText('医保目录占比（金额）').click();
  const drawer = page.getByRole('dialog');
  await expect(drawer.getByText('中心库采购入库明细（医保目录内）')).toBeVisible();
  await expect(drawer.locator('tbody tr.ant-table-row').first()).toContainText('RK');
  await screenshot(page, 'supervision-drilldown');
});

test('a signal opens to its ledger rows and is dismissed with a note', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 1000 });
  await login(page, server.url, 'yaoku', 'santong-demo');
  await expect(page.getByRole('menuitem', { name: '异常信号' })).toBeAttached();
  await page.goto(new URL('/supervision/signals', server.url).href);
  await expect(page.getByRole('heading', { name: '异常信号' })).toBeVisible();
  const row = page.locator('tbody tr', { hasText: '用药量突增' }).first();
  await expect(row).toBeVisible();
  await screenshot(page, 'supervision-signals');
  await row.click();
  await expect(page.getByRole('heading', { name: '异常信号：用药量突增' })).toBeVisible();
  await expect(page.getByText('稳健 Z 值', { exact: true })).toBeVisible();
  const ledger = page.locator('.ant-card', { hasText: '背后的台账行' });
  await expect(ledger.locator('tbody tr.ant-table-row').first()).toContainText('用药登记');
  await expect(page.getByRole('img', { name: '周用药量历史' }).locator('canvas')).toBeVisible();
  await screenshot(page, 'supervision-signal-detail');

  // The ledger rows link to the stock card.
  const fingerprintUrl = page.url();
  await ledger.locator('tbody tr.ant-table-row').first().getByRole('link').last().click();
  await expect(page.getByRole('heading', { name: '库存台账' })).toBeVisible();
  await page.goto(fingerprintUrl);

  await page.getByRole('button', { name: '排除此信号' }).click();
  const dialog = page.getByRole('dialog', { name: '排除异常信号' });
  await dialog.getByRole('button', { name: '确认排除' }).click();
  await expect(dialog.getByText('请填写排除说明')).toBeVisible();
  await dialog.getByLabel('核实说明').fill('已核对处方：流感高发，门诊量确有增加');
  await dialog.getByRole('button', { name: '确认排除' }).click();
  await expect(page.getByText('已排除，记录已保存')).toBeVisible();
  await expect(dialog).toBeHidden();
  await expect(page.locator('.ant-timeline').getByText(/已核对处方：流感高发，门诊量确有增加/)).toBeVisible();
  await expect(page.getByRole('button', { name: '排除此信号' })).toHaveCount(0);

  await page.goto(new URL('/supervision/signals?status=dismissed', server.url).href);
  await expect(page.locator('tbody tr', { hasText: '用药量突增' })).toBeVisible();

  // The rules in words with their thresholds, and the clinics' rest days.
  await page.goto(new URL('/supervision/rules', server.url).href);
  await expect(page.getByRole('heading', { name: '规则与阈值' })).toBeVisible();
  await expect(page.getByText(/稳健 Z 值 = 0.6745/)).toBeVisible();
  await expect(page.getByRole('button', { name: '保存阈值' })).toHaveCount(RULE_KEYS.length);
  await screenshot(page, 'supervision-rules');
});
