/**
 * The demo hub's GSP records, made through the real handlers as the simulated days pass: storage areas in
 * the hub store and every clinic, a month of twice-daily readings (a few out of range with the action taken,
 * a few missed), insulin kept 冷藏 (accepted with its arrival temperature and a second acceptor), and one
 * quarantine case: boxes refused as damaged at a receipt, destroyed a few days later under a witness.
 * The hub began its GSP records a month ago: storage conditions and areas date from then. Clinics with an even
 * id have no fridge, so insulin reaches them only with the pharmacist's reason (the override on the line), and
 * their insulin dispensing shows on the supervision screen as the cold-chain signal.
 * The hub's 阴凉库 has a temperature logger: nobody writes its sheet by hand; on the simulation's last day the pharmacist
 * imports the month's logger file (every half hour), whose rows nearest 09:00 and 15:00 fill the sheet (来源：记录仪).
 */
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import { addDays } from '../../shared/dates';
import { AREA_DEFAULT_RANGES, type AreaKind } from '../../shared/gsp';
import { DEMO_PASSWORD } from './names';

type Call = <K extends MethodName>(username: string, method: K, input: MethodInput<K>) => Promise<MethodOutput<K>>;
type Rand = { int(a: number, b: number): number; chance(p: number): boolean };
type ReceiveLine = MethodInput<'receipts.create'>['lines'][number];

const PH = 'yaoku';

/** Days before today the readings start, the quarantine case happens, and the excursions fall. */
const READING_DAYS = 30;
const REFUSAL_DAY = 20;
const DESTRUCTION_DAY = 15;

export function demoGsp(call: Call, clinics: { id: number; username: string }[], r: Rand) {
  const areas: { id: number; kind: AreaKind; user: string; name: string }[] = [];
  const cold = new Set<number>();
  let refused: { lotId: number; qty: number } | null = null;
  let destroyed = false;

  /** Insulin is kept 冷藏: its receipts need the arrival temperature, the transport record and a second acceptor. */
  async function setUp(): Promise<void> {
    const insulin = await call(PH, 'catalog.search', { q: '胰岛素', limit: 20 });
    for (const d of insulin) {
      await call(PH, 'gsp.setDrugStorage', { drugId: d.id, storageCondition: 'cold', specialControl: false });
      cold.add(d.id);
    }
  }

  async function makeAreas(): Promise<void> {
    const stores = await call(PH, 'stock.stores', {});
    for (const s of stores) {
      const kinds: AreaKind[] = s.kind === 'hub' ? ['room', 'cool', 'cold'] : s.clinicId! % 2 === 1 ? ['room', 'cold'] : ['room'];
      const user = s.kind === 'hub' ? PH : (clinics.find((c) => c.id === s.clinicId)?.username ?? PH);
      for (const kind of kinds) {
        const name = s.kind === 'hub' ? { room: '常温库', cool: '阴凉库', cold: '冷藏柜' }[kind] : { room: '药房常温区', cool: '阴凉柜', cold: '冷藏柜' }[kind];
        const area = await call(PH, 'storage.saveArea', { storeId: s.id, name, kind, ...AREA_DEFAULT_RANGES[kind] });
        areas.push({ id: area.id, kind, user, name: `${s.name}${name}` });
      }
    }
  }

  /** A plausible reading inside the area's range (tenths of ℃, %). */
  function normal(kind: AreaKind, slot: 'am' | 'pm') {
    const t = kind === 'cold' ? r.int(32, 68) : kind === 'cool' ? r.int(120, 185) : r.int(150, 245) + (slot === 'pm' ? 15 : 0);
    return { temperature: t, humidity: r.int(42, 68) };
  }

  /** The logger's export of the month's days before `today`, every half hour: 'YYYY-MM-DD HH:MM', ℃ with one decimal, %RH. */
  function loggerCsv(today: string): string {
    const lines = ['温湿度记录仪 RC-4HC  序列号 EL2403118', '时间,温度(℃),湿度(%RH)'];
    for (let back = READING_DAYS - 1; back >= 1; back--) {
      const date = addDays(today, -back);
      for (let m = 0; m < 24 * 60; m += 30) {
        const warm = m >= 11 * 60 && m <= 17 * 60 ? 15 : 0;
        const t = r.int(125, 175) + warm;
        lines.push(
          `${date} ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')},${Math.floor(t / 10)}.${t % 10},${r.int(45, 65)}`,
        );
      }
    }
    return `${lines.join('\n')}\n`;
  }

  async function importLogger(areaId: number): Promise<void> {
    const { date } = await call(PH, 'storage.today', {});
    const file = { filename: '阴凉库记录仪导出.csv', base64: Buffer.from(loggerCsv(date), 'utf8').toString('base64') };
    await call(PH, 'storage.loggerImport', { areaId, file });
  }

  async function readings(offset: number): Promise<void> {
    if (offset > READING_DAYS) return;
    if (areas.length === 0) {
      await setUp();
      await makeAreas();
    }
    const logged = areas.find((a) => a.user === PH && a.kind === 'cool');
    // The simulation's last day (yesterday) imports the file of the days before it; that day is written by hand.
    if (logged && offset === 1) await importLogger(logged.id);
    for (const [i, a] of areas.entries()) {
      if (a === logged && offset > 1) continue; // its sheet comes from the logger file
      for (const slot of ['am', 'pm'] as const) {
        // A clinic now and then forgets the afternoon reading: the sheet shows it as 缺记.
        if (a.user !== PH && slot === 'pm' && i % 7 === 3 && offset % 9 === 4) continue;
        let reading = { ...normal(a.kind, slot), action: null as string | null };
        if (a.user === PH && a.kind === 'cold' && offset === 12 && slot === 'pm') {
          reading = { temperature: 96, humidity: 55, action: '冷藏柜除霜后温度回升至 9.6 ℃，已调低档位并关紧柜门，30 分钟后复测 5.4 ℃；柜内药品未见异常' };
        } else if (a.user !== PH && a.kind === 'cold' && i % 5 === 1 && offset === 6 && slot === 'am') {
          reading = { temperature: 104, humidity: 60, action: '停电约两小时，来电后冷藏柜恢复制冷，胰岛素已暂放卫生院冷藏柜' };
        } else if (a.user !== PH && a.kind === 'room' && i % 6 === 2 && offset === 9 && slot === 'pm') {
          reading = { temperature: 312, humidity: 78, action: '午后室温偏高、湿度大，已开空调除湿' };
        }
        await call(a.user, 'storage.record', { areaId: a.id, slot, ...reading });
      }
    }
  }

  return {
    /** Reasons on the lines the clinic cannot keep, as the delivery page asks them (the preview names the lines). */
    async withStorageReasons<L extends { requisitionLineId: number; qty: number }>(clinicId: number, lines: L[]) {
      const preview = await call(PH, 'deliveries.preview', { clinicId, lines });
      return lines.map((l, i) =>
        preview.lines[i].storageMismatch ? { ...l, storageOverrideReason: '本室未配冷藏柜：村医带冷藏箱来院领取，当天为患者注射，余量存卫生院冷藏柜' } : l,
      );
    },
    /** Acceptance fields for one receipt of the simulation (the refusal on its day). */
    acceptLines(lines: ReceiveLine[], offset: number, drugOf: (poLineId: number) => number, packSizeOf: (poLineId: number) => number) {
      const coldLines = lines.filter((l) => cold.has(drugOf(l.poLineId)));
      const out = lines.map((l) => {
        if (!cold.has(drugOf(l.poLineId))) return l;
        return { ...l, arrivalTemp: r.int(35, 62), transportRecord: `冷藏车 湘A·${r.int(10000, 99999)}，保温箱测温 ${r.int(3, 6)}.${r.int(0, 9)} ℃` };
      });
      const refuse = !refused && offset <= REFUSAL_DAY && out.findIndex((l) => !cold.has(drugOf(l.poLineId)) && l.qty >= 5 * packSizeOf(l.poLineId));
      if (refuse !== false && refuse >= 0) {
        const l = out[refuse];
        out[refuse] = { ...l, rejectedQty: 2 * packSizeOf(l.poLineId), rejectReason: 'damaged', rejectNote: '外箱压损，内包装破裂' }; // two boxes
      }
      return {
        lines: out,
        acceptance: {
          deliveryNoteNo: `SH${r.int(10000000, 99999999)}`,
          secondAcceptor: coldLines.length ? { username: 'admin', password: DEMO_PASSWORD } : undefined,
        },
        refusedLine: refuse !== false && refuse >= 0 ? refuse : null,
      };
    },
    noteRefusal(lotId: number, qty: number) {
      refused = { lotId, qty };
    },
    async day(offset: number): Promise<void> {
      await readings(offset);
      if (refused && !destroyed && offset <= DESTRUCTION_DAY) {
        await call(PH, 'quarantine.destroy', {
          lines: [refused],
          method: '交县医疗废物集中处置中心焚烧',
          place: '卫生院医疗废物暂存间',
          witness: '李院长',
          note: '验收拒收的破损药品',
        });
        destroyed = true;
      }
    },
  };
}
