/**
 * The hub's keyboard shortcuts: 新增 / 保存 / 审核 / 打印 mean the same keys on every page, and a page says what
 * each does there by registering it (usePageShortcut). F1 lists what the current page offers, so the keys are
 * documented on screen rather than in a manual. A page that registers nothing leaves the browser's own keys alone
 * (except Ctrl+S: saving the web page itself is never what a pharmacist meant).
 */
import { useEffect, useRef } from 'react';
import { Button, Grid, Modal, Table, Tooltip, Typography } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { create } from 'zustand';

export type ShortcutAction = 'add' | 'save' | 'approve' | 'print';

const none = (e: KeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey;
const ctrlOnly = (e: KeyboardEvent) => (e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey;

export const SHORTCUTS: Record<ShortcutAction, { keys: string; meaning: string; matches(e: KeyboardEvent): boolean }> = {
  add: { keys: 'Alt+N', meaning: '新增', matches: (e) => e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyN' },
  save: { keys: 'Ctrl+S', meaning: '保存', matches: (e) => ctrlOnly(e) && e.code === 'KeyS' },
  approve: { keys: 'F9', meaning: '审核 / 过账 / 提交', matches: (e) => none(e) && e.key === 'F9' },
  print: { keys: 'Ctrl+P', meaning: '打印', matches: (e) => ctrlOnly(e) && e.code === 'KeyP' },
};

/** Keys that work everywhere, listed first in the help. */
export const GLOBAL_SHORTCUTS: { keys: string; what: string }[] = [
  { keys: 'F2 或 /', what: '追溯码查询（扫码枪扫入后回车）' },
  { keys: 'F1', what: '显示本页快捷键' },
  { keys: 'Enter', what: '选药框、扫码框中确认当前行' },
  { keys: 'Ctrl+Enter', what: '用药登记页提交本次登记' },
];

interface Registered {
  label: string;
  enabled: boolean;
  run: () => void;
  token: symbol;
}

interface ShortcutState {
  actions: Partial<Record<ShortcutAction, Registered>>;
  helpOpen: boolean;
  set(action: ShortcutAction, entry: Registered): void;
  clear(action: ShortcutAction, token: symbol): void;
  showHelp(open: boolean): void;
}

export const useShortcuts = create<ShortcutState>((set) => ({
  actions: {},
  helpOpen: false,
  set: (action, entry) => set((s) => ({ actions: { ...s.actions, [action]: entry } })),
  // Only the registration that is still current: a page mounting while the previous one unmounts keeps its own.
  clear: (action, token) => set((s) => (s.actions[action]?.token === token ? { actions: { ...s.actions, [action]: undefined } } : s)),
  showHelp: (helpOpen) => set({ helpOpen }),
}));

/**
 * Offers one of the shortcut actions on the current page while it is mounted: `label` is what it does here (e.g.
 * "验收入库"), `run` the same handler as the page's button, `enabled` whether the button could be pressed now.
 */
export function usePageShortcut(action: ShortcutAction, label: string, run: () => void, enabled = true): void {
  const latest = useRef(run);
  latest.current = run;
  const token = useRef(Symbol(action));
  const { set, clear } = useShortcuts.getState();
  useEffect(() => {
    set(action, { label, enabled, run: () => latest.current(), token: token.current });
  }, [action, label, enabled, set]);
  useEffect(() => () => clear(action, token.current), [action, clear]);
}

/** "快捷键 Alt+N" for a button's tooltip, so the key is learned where the button is. */
export const shortcutTitle = (action: ShortcutAction) => `快捷键 ${SHORTCUTS[action].keys}`;

/** The same for a page shown on any screen: no key hint under 768 px, where a phone has no keyboard to press it on. */
export function useShortcutTitle(action: ShortcutAction): string | undefined {
  return Grid.useBreakpoint().md ? shortcutTitle(action) : undefined;
}

/** Listens for the shortcut keys on the whole window and shows the help; mount once per shell (app, print pages). */
export function ShortcutLayer() {
  const helpOpen = useShortcuts((s) => s.helpOpen);
  const actions = useShortcuts((s) => s.actions);
  const showHelp = useShortcuts((s) => s.showHelp);
  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.key === 'F1' && none(e)) {
        e.preventDefault();
        showHelp(true);
        return;
      }
      for (const action of Object.keys(SHORTCUTS) as ShortcutAction[]) {
        if (!SHORTCUTS[action].matches(e)) continue;
        const entry = useShortcuts.getState().actions[action];
        if (entry) {
          e.preventDefault();
          if (entry.enabled) entry.run();
        } else if (action === 'save') e.preventDefault();
        return;
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [showHelp]);

  const rows = [
    ...(Object.keys(SHORTCUTS) as ShortcutAction[]).map((a) => ({
      keys: SHORTCUTS[a].keys,
      what: actions[a] ? `${actions[a].label}${actions[a].enabled ? '' : '（现在不可用）'}` : `${SHORTCUTS[a].meaning}（本页没有）`,
      here: Boolean(actions[a]),
    })),
    ...GLOBAL_SHORTCUTS.map((g) => ({ ...g, here: true })),
  ];
  return (
    <Modal title="键盘快捷键" open={helpOpen} onCancel={() => showHelp(false)} footer={null} width={520} destroyOnHidden>
      <Table
        size="small"
        pagination={false}
        rowKey="keys"
        dataSource={rows}
        columns={[
          { title: '按键', dataIndex: 'keys', width: 130, render: (k: string) => <Typography.Text keyboard>{k}</Typography.Text> },
          { title: '本页作用', dataIndex: 'what', render: (w: string, r) => (r.here ? w : <Typography.Text type="secondary">{w}</Typography.Text>) },
        ]}
      />
    </Modal>
  );
}

/** The header's button that opens the help (desktop only: a phone has no keyboard). */
export function ShortcutHelpButton() {
  const showHelp = useShortcuts((s) => s.showHelp);
  return (
    <Tooltip title="键盘快捷键（F1）">
      <Button type="text" icon={<QuestionCircleOutlined />} aria-label="键盘快捷键" onClick={() => showHelp(true)} />
    </Tooltip>
  );
}
