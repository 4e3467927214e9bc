import { expect, test, serverForFile, shotsIn } from './fixtures';
import { choose, expectNoSidewaysScroll, openMenu, signIn, scanInto } from './pages/app';
import { api, orderForClinic, seedTownship } from './seed';

/**
 * A damaged box written off by scanning it (issue 16: returns and write-offs scan too): the village doctor on a
 * 390 px phone scans the box in 新建报损, the form opens on its drug and batch with the box on it, the request
 * waits for the hub; when the pharmacist approves, the box's path ends in 报损 and it can no longer be scanned for
 * sale. Scanner input as a keyboard-wedge scanner types it: the code, then Enter.
 */
test.describe.configure({ mode: 'serial' });

const server = serverForFile();

const PASSWORD = 'Qingshi2026';
const shot = shotsIn('trace-writeoff');
const code = (n: number) => `8123456000000000010${n}`;

test('a village doctor on a phone writes off a damaged box by scanning it; approved, its path ends in 报损', async ({ browser }) => {
  const { clinicId, pharmacist: yaoku, doctor: doctorApi, ids } = await seedTownship(browser, server.url, PASSWORD);
  const order = await orderForClinic(yaoku, doctorApi, ids.amox, 72, 'trace-writeoff-0001');
  const boxes = [code(1), code(2), code(3)];
  await api(yaoku, 'receipts.create', {
    poId: order.id,
    invoiceNo: 'FP-WO-1',
    lines: [{ poLineId: order.lines[0].id, batchNo: 'A2611', expiryDate: '2028-10-31', qty: 72, traceCodes: boxes }],
  });
  const pending = (await api(yaoku, 'deliveries.pending', { clinicId: clinicId })) as { requisitionLineId: number; outstandingQty: number }[];
  const delivery = await api(yaoku, 'deliveries.create', {
    clinicId: clinicId,
    lines: pending.map((p) => ({ requisitionLineId: p.requisitionLineId, qty: p.outstandingQty, traceCodes: boxes })),
  });
  await api(doctorApi, 'deliveries.sign', {
    id: delivery.id,
    lines: (delivery.lines as { id: number; qty: number }[]).map((l) => ({ lineId: l.id, receivedQty: l.qty })),
  });

  // The doctor's phone: 新建报损, scan the crushed box; the form opens on its drug and batch with one box on it.
  const page = await (await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })).newPage();
  await signIn(page, server.url, 'cy01', PASSWORD);
  await openMenu(page, '报损', '报损');
  await page.getByRole('button', { name: '新建报损' }).tap();
  // A code the hub has no record of (nor its drug) is refused with the reason, and nothing opens.
  await scanInto(page.getByRole('dialog').getByLabel('扫码', { exact: true }), '81234560000000000999', 'tap');
  await expect(page.getByRole('dialog').getByRole('status')).toContainText('认不出追溯码 81234560000000000999');
  await scanInto(page.getByRole('dialog').getByLabel('扫码', { exact: true }), code(2), 'tap');
  const form = page.getByRole('dialog').filter({ hasText: '报损申请' });
  await expect(form).toContainText('阿莫西林胶囊');
  await expect(form.getByText(code(2), { exact: true })).toBeVisible();
  await expect(form.getByLabel('数量（盒）')).toHaveValue('1');
  // The same box scanned twice in the form counts once.
  await scanInto(page.getByRole('dialog').getByLabel('扫码', { exact: true }), code(2), 'tap');
  await expect(form.getByRole('status')).toHaveText(`${code(2)} 已经扫过`);
  await choose(page, '原因', '破损');
  await expectNoSidewaysScroll(page, 390);
  await shot(page, 'writeoff-scan-390');
  await form.getByRole('button', { name: '提交' }).tap();
  await expect(page.getByText('报损申请已提交，等待药库管理员审批')).toBeVisible();

  // Waiting: the box is still on the clinic's shelf, named by the request.
  const waiting = await api(doctorApi, 'trace.lookup', { code: code(2) });
  expect(waiting.box).toMatchObject({ state: 'in_stock', storeName: '东湖村卫生室' });

  // The hub approves; the box's path now ends in 报损, and a sale of it is a signal, not a quiet sale.
  const list = await api(yaoku, 'writeoffs.list', {});
  const request = (list as { id: number; status: string }[]).find((w) => w.status === 'pending')!;
  await api(yaoku, 'writeoffs.decide', { id: request.id, approve: true, note: null });
  const done = await api(doctorApi, 'trace.lookup', { code: code(2) });
  expect(done.box.state).toBe('written_off');
  expect(done.events.map((e: { eventLabel: string }) => e.eventLabel).at(-1)).toContain('报损');
  const other = await api(doctorApi, 'trace.lookup', { code: code(1) });
  expect(other.box).toMatchObject({ state: 'in_stock', storeName: '东湖村卫生室' });
  await page.context().close();
});
