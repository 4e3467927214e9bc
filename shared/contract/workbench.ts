import { z } from 'zod';
import { defineMethod } from './define';

/** One line of the home page's to-do list: what waits for this user, how many, and where to do it. */
export const todoItem = z.object({
  key: z.string(),
  label: z.string(),
  count: z.number().int().min(0),
  /** 'act': it waits for this user; 'watch': worth a look (expiry, goods in transit). */
  tone: z.enum(['act', 'watch']),
  link: z.string(),
  hint: z.string().nullable(),
});
export type TodoItem = z.infer<typeof todoItem>;

export const workbenchApi = {
  'workbench.todos': defineMethod({
    summary: '工作台待办：按角色列出等待本人处理的单据和需要关注的事项（村医只含本室）',
    access: 'authenticated',
    write: false,
    input: z.object({}).default({}),
    output: z.object({ today: z.string(), items: z.array(todoItem) }),
  }),
};
