/** Access-matrix and fuzz samples for 上报地市 (see the rules at the top of samples.ts). */
import { chinaDate, periodOf } from '../../shared/dates';
import type { SampleContext, SampleRegistry } from './samples';

/** This month: open, so export and send are refused as a business rule (409/422) after the role check passed. */
const period = ({ f }: SampleContext) => periodOf(chinaDate(f.hub.clock.now()));

export const prefectureSamples: SampleRegistry = {
  'prefecture.settings': { input: () => ({}) },
  // No server address: a later send sample must never reach the network.
  'prefecture.saveSettings': { input: () => ({ hubCode: 'H41162101', countyCode: '411621', serverUrl: null, serverCaPem: null }) },
  'prefecture.months': { input: () => ({}) },
  'prefecture.export': { input: (ctx) => ({ period: period(ctx) }) },
  'prefecture.send': { input: (ctx) => ({ period: period(ctx) }) },
};
