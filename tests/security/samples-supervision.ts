/**
 * Access-matrix and fuzz samples for the supervision methods (see the rules at the top of samples.ts).
 * Supervision is hub-only: village doctors are refused by role, so no sample is clinic-scoped. The fixture
 * has no anomalies, so dismissing answers 404 after the role check (what the matrix looks at).
 */
import type { SampleRegistry } from './samples';

export const supervisionSamples: SampleRegistry = {
  'supervision.dashboard': { input: ({ f }) => ({ from: '2026-01', to: '2026-03', clinicId: f.clinicA.id }) },
  'supervision.drilldown': { input: () => ({ figure: 'insurance', from: '2026-01', to: '2026-03', flag: true }) },
  'supervision.drilldownExport': { input: () => ({ figure: 'nearExpiry', from: '2026-01', to: '2026-03' }) },
  'supervision.rules': { input: () => ({}) },
  'supervision.setThresholds': { input: () => ({ ruleKey: 'spike', values: { zThreshold: 3.5 } }) },
  'supervision.signals': { input: () => ({ from: '2026-01-01', to: '2026-03-31', status: 'all' }) },
  'supervision.signal': { input: ({ f }) => ({ fingerprint: `closed:${f.clinicA.id}::2026-01` }) },
  'supervision.dismiss': { input: ({ f }) => ({ fingerprint: `closed:${f.clinicA.id}::2026-01`, note: '安全测试：已核实' }) },
  'supervision.schedules': { input: () => ({}) },
  'supervision.setSchedule': { input: ({ f }) => ({ clinicId: f.clinicA.id, restWeekdays: [7], holidays: [] }) },
};
