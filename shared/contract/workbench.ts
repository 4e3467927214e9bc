import { z } from 'zod';
import { defineMethod } from './define';
import { out, valuesText } from './describe';

/** One line of the home page's to-do list: what waits for this user, how many, and where to do it. */
export const todoItem = z.object({
  key: out.text("事项代码，稳定可供程序判断，如 'requisitions_review'、'deliveries_to_sign'、'period_close'"),
  label: out.text('事项名称（中文）'),
  count: out.count('等待处理或值得关注的单据、批次或企业数').min(0),
  /** 'act': it waits for this user; 'watch': worth a look (expiry, goods in transit). */
  tone: z.enum(['act', 'watch']).describe(valuesText({ act: '等待本人处理', watch: '值得关注（效期、在途等）' })),
  link: out.text("界面内处理该事项的页面路径，如 '/purchasing/review'"),
  hint: out.text('补充说明（如 未结账的月份）；null = 无').nullable(),
});
export type TodoItem = z.infer<typeof todoItem>;

export const workbenchApi = {
  'workbench.todos': defineMethod({
    summary: '工作台待办：按角色列出等待本人处理的单据和需要关注的事项（村医只含本室）',
    access: 'authenticated',
    write: false,
    input: z.object({}).default({}),
    output: z.object({
      today: out.date('卫生院时钟的今天'),
      items: z.array(todoItem).describe('按角色固定的事项清单（计数为 0 的也列出）'),
    }),
  }),
};
