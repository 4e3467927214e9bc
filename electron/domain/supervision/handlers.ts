import { defineHandlers } from '../context';
import { supervisionDashboard } from './dashboard';
import { supervisionDrilldown } from './drilldown';
import { drilldownWorkbook } from './drill-export';
import { ruleInfo } from './engine';
import { dismissSignal, listSchedules, listSignals, setSchedule, setThresholds, signalDetail } from './signals';

export const supervisionHandlers = defineHandlers({
  'supervision.dashboard': supervisionDashboard,
  'supervision.drilldown': supervisionDrilldown,
  'supervision.rules': (ctx) => ruleInfo(ctx.db),
  'supervision.setThresholds': setThresholds,
  'supervision.signals': listSignals,
  'supervision.signal': signalDetail,
  'supervision.dismiss': dismissSignal,
  'supervision.schedules': (ctx) => listSchedules(ctx.db),
  'supervision.setSchedule': setSchedule,
  'supervision.drilldownExport': { async: async (ctx, input) => drilldownWorkbook(ctx, input) },
});
