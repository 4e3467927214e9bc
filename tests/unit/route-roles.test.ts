import { describe, expect, it } from 'vitest';
import { ROUTES, SCREENS } from '../../renderer/src/app/routes';
import { mayCall, rolesOf } from '../../renderer/src/app/access';
import { ROLES } from '../../shared/contract';

/** Page roles come from the contract (issue 20): a screen is shown to the roles its opening method allows. */
describe('page roles from the contract', () => {
  it('no screen narrows its method to a role the contract refuses', () => {
    const wrong = SCREENS.flatMap((s) => (s.only ?? []).filter((r) => !rolesOf(s.reads).includes(r)).map((r) => `${s.path} ${s.label}: ${r} (${s.reads})`));
    expect(wrong).toEqual([]);
  });

  it('no route shows a role the contract refuses for its method', () => {
    const wrong = ROUTES.flatMap((r) => r.roles.filter((role) => !mayCall(role, r.reads)).map((role) => `${r.path} ${r.label}: ${role} (${r.reads})`));
    expect(wrong).toEqual([]);
    for (const r of ROUTES) expect(r.roles.length, `${r.path} ${r.label} is shown to nobody`).toBeGreaterThan(0);
  });

  it('gives the 院长 the hub readers’ screens and none whose method writes', () => {
    const menu = ROUTES.filter((r) => r.group && r.roles.includes('director')).map((r) => r.label);
    expect(menu).toEqual([
      '工作台',
      '验收入库',
      '配送出库',
      '库存查询',
      '库存台账',
      '库存预警',
      '药品追溯',
      '不合格品',
      '温湿度记录',
      '盘点与抽查',
      '账实相符率',
      '配送企业结算',
      '卫生室结算',
      '中心库进销存',
      '月结',
      '医保对账',
      '三保看板',
      '异常信号',
      '上报地市',
    ]);
    for (const r of ROUTES.filter((r) => r.roles.includes('director'))) {
      if (r.path === '/account') continue; // their own password
      expect(rolesOf(r.reads), r.path).toContain('director');
    }
    expect(ROLES).toContain('director');
  });
});
