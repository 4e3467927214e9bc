import fs from 'node:fs';
import type { APIRequestContext } from '@playwright/test';
import { expect, login, screenshot, E2E_CLOCK, startServer, test, type ServerHandle } from './fixtures';
import { openMenu } from './pages/app';

test.describe.configure({ mode: 'serial' });

let server: ServerHandle;
test.beforeAll(async () => {
  server = await startServer({ clock: E2E_CLOCK });
});
test.afterAll(async () => {
  await server?.stop();
  if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
});

async function api(request: APIRequestContext, method: string, data: unknown) {
  const res = await request.post(`${server.url}api/${method}`, { data });
  const body = await res.json();
  expect(res.status(), `${method}: ${JSON.stringify(body)}`).toBe(200);
  return body;
}

test("a village doctor's tampered requests are refused and the administrator finds them in the audit log", async ({ browser }) => {
  // The hub: an administrator, two clinics, a village doctor for 东湖.
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await api(admin.request, 'setup.initialize', { hubName: '青石镇卫生院', adminUsername: 'admin', adminDisplayName: '张院长', adminPassword: 'Qingshi2026' });
  const donghu = await api(admin.request, 'clinics.create', { code: 'C01', name: '东湖村卫生室', village: '东湖村' });
  const xiling = await api(admin.request, 'clinics.create', { code: 'C02', name: '西岭村卫生室', village: '西岭村' });
  await api(admin.request, 'users.create', {
    username: 'cy01',
    initialPassword: 'Chushi2026',
    displayName: '王建国',
    role: 'village_doctor',
    clinicId: donghu.id,
  });
  const stores: { id: number; kind: string; clinicId: number | null }[] = await api(admin.request, 'stock.stores', {});
  const xilingStore = stores.find((s) => s.kind === 'clinic' && s.clinicId === xiling.id)!.id;

  // The doctor signs in on a phone and replaces the initial password.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const doc = await phone.newPage();
  await login(doc, server.url, 'cy01', 'Chushi2026');
  await doc.getByLabel('原密码').fill('Chushi2026');
  await doc.getByLabel('新密码', { exact: true }).fill('Donghu2026');
  await doc.getByLabel('确认新密码').fill('Donghu2026');
  await doc.getByRole('button', { name: '修改密码' }).click();
  await expect(doc.getByRole('heading', { name: '工作台' })).toBeVisible();

  // The doctor's browser is tampered with: requests naming another clinic, and hub-only operations.
  const results = await doc.evaluate(
    async ({ otherId, otherStore }) => {
      const post = async (method: string, body: unknown) => {
        const res = await fetch(`/api/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { method, status: res.status, code: (await res.json())?.error?.code ?? null };
      };
      return [
        await post('clinics.get', { id: otherId }),
        await post('stock.onHand', { storeId: otherStore }),
        await post('dispensing.create', { clinicId: otherId, lines: [{ drugId: 1, qty: 10 }] }),
        await post('clinics.update', { id: otherId, code: 'C02', name: '被篡改的卫生室', active: false }),
        await post('users.list', {}),
        await post('audit.list', {}),
      ];
    },
    { otherId: xiling.id, otherStore: xilingStore },
  );
  expect(results).toEqual([
    { method: 'clinics.get', status: 403, code: 'FORBIDDEN_CLINIC' },
    { method: 'stock.onHand', status: 403, code: 'FORBIDDEN_CLINIC' },
    { method: 'dispensing.create', status: 403, code: 'FORBIDDEN_CLINIC' },
    { method: 'clinics.update', status: 403, code: 'FORBIDDEN' },
    { method: 'users.list', status: 403, code: 'FORBIDDEN' },
    { method: 'audit.list', status: 403, code: 'FORBIDDEN' },
  ]);
  // Nothing changed, and the pages of the hub are not there for the doctor either.
  expect((await api(admin.request, 'clinics.get', { id: xiling.id })).name).toBe('西岭村卫生室');
  await doc.goto(`${server.url}system/audit`);
  await expect(doc.getByText('页面不存在或无权访问')).toBeVisible();
  await screenshot(doc, 'security-01-doctor-refused');
  await phone.close();

  // The administrator opens 系统管理 → 审计日志: the refusals stand out and filter down to the doctor.
  await admin.goto(server.url);
  await openMenu(admin, '审计日志');
  await expect(admin.getByRole('heading', { name: '审计日志' })).toBeVisible();
  await expect(admin.getByText('近 7 天有 6 次被拒绝的访问')).toBeVisible();
  await screenshot(admin, 'security-02-audit-log');

  await admin.getByRole('combobox', { name: '用户', exact: true }).click();
  await admin.getByTitle('王建国（cy01） 东湖村卫生室').click();
  await expect(admin).toHaveURL(/userId=\d+/);
  const rows = admin.locator('.ant-table-tbody tr.ant-table-row');
  await expect(rows.filter({ hasText: '越权被拒' })).toHaveCount(6);
  await expect(rows.filter({ hasText: '访问他室数据' })).toHaveCount(3);
  await expect(rows.filter({ hasText: 'dispensing.create' })).toContainText('访问他室数据');
  await expect(rows.filter({ hasText: 'clinics.update' })).toContainText('角色无权');
  await expect(rows.first()).toContainText('王建国');
  await expect(rows.first()).toContainText('东湖村卫生室');
  await expect(rows.first()).toContainText('127.0.0.1');
  // The tampered request itself is kept (without any password): which clinic the doctor asked for.
  const tampered = rows.filter({ hasText: 'clinics.get' }).filter({ hasText: '越权被拒' });
  await tampered.getByRole('button', { name: /展开/ }).click();
  await expect(admin.locator('.audit-lines li').filter({ hasText: new RegExp(`^编号：${xiling.id}$`) })).toBeVisible();
  await screenshot(admin, 'security-03-audit-filtered');

  // Only refusals: the doctor's successful logins and password change are filtered out.
  await admin.getByRole('combobox', { name: '结果', exact: true }).click();
  await admin.getByTitle('越权被拒').click();
  await expect(rows).toHaveCount(6);

  // 系统设置: the LAN addresses and the root certificate clinics install for HTTPS.
  await openMenu(admin, '系统设置');
  await expect(admin.getByRole('heading', { name: '系统设置' })).toBeVisible();
  await expect(admin.getByText('本服务器由命令行启动')).toBeVisible();
  // 记账规则: how far back a posting may be dated (补录), 7 days unless changed.
  await expect(admin.getByLabel('最多补录天数')).toHaveValue('7');
  const download = admin.waitForEvent('download');
  await admin.getByRole('button', { name: '下载根证书' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('santong-ca.crt');
  expect(fs.readFileSync(await file.path(), 'utf8')).toContain('BEGIN CERTIFICATE');
  await expect(admin.getByText('根证书指纹（SHA-256）')).toBeVisible();
  await screenshot(admin, 'security-04-settings');
  await adminContext.close();
});
