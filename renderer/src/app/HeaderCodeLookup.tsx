import { useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Drawer, Input, Popover, Typography, type InputRef } from 'antd';
import { ScanOutlined } from '@ant-design/icons';
import { parseBoxCode } from '../../../shared/traceCodes';
import { ScanInput } from '../components/ScanInput';

/** The key that brings the lookup box into focus from anywhere (F2 even while typing elsewhere; "/" when not typing). */
export const LOOKUP_SHORTCUT = 'F2';

function typingSomewhere(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** The 追溯 page for one code: the box's path, every document, who and when. */
export function traceHref(code: string): string {
  return `/trace?code=${encodeURIComponent(code)}`;
}

/**
 * A code lookup from any page (the "scan box in the header"): a scanner types the code and Enter, and the
 * 追溯 page opens with that box's path. Desktop: a compact box in the top bar, focused by F2 or "/". Phone: an
 * icon that opens the scan box full width, with the camera.
 */
export function HeaderCodeLookup({ narrow }: { narrow: boolean }) {
  return narrow ? <PhoneLookup /> : <DesktopLookup />;
}

function DesktopLookup() {
  const navigate = useNavigate();
  const input = useRef<InputRef>(null);
  const [value, setValue] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
      if (!plain) return;
      if (e.key === LOOKUP_SHORTCUT || (e.key === '/' && !typingSomewhere(e.target))) {
        e.preventDefault();
        input.current?.focus({ cursor: 'all' });
      }
    }
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  function submit() {
    const raw = value.trim();
    if (!raw) return;
    const parsed = parseBoxCode(raw);
    if (!parsed.ok) {
      setProblem(parsed.message);
      return;
    }
    setProblem(null);
    setValue('');
    input.current?.blur();
    navigate(traceHref(parsed.value.code));
  }

  return (
    <Popover
      open={!!problem}
      placement="bottomLeft"
      content={
        <Typography.Text type="danger" role="alert">
          {problem}
        </Typography.Text>
      }
    >
      <Input
        ref={input}
        className="header-code-lookup"
        prefix={<ScanOutlined />}
        value={value}
        onChange={(e) => {
          setValue(e.target.value);
          setProblem(null);
        }}
        onPressEnter={submit}
        onBlur={() => setProblem(null)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            setValue('');
            setProblem(null);
            input.current?.blur();
          }
        }}
        placeholder={`查追溯码：扫码后回车（${LOOKUP_SHORTCUT} 或 /）`}
        aria-label="追溯码查询"
        autoComplete="off"
        spellCheck={false}
        status={problem ? 'error' : undefined}
        allowClear
      />
    </Popover>
  );
}

function PhoneLookup() {
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button type="text" icon={<ScanOutlined />} aria-label="查追溯码" onClick={() => setOpen(true)} />
      <Drawer
        open={open}
        onClose={() => setOpen(false)}
        placement="top"
        size="auto"
        title="查追溯码"
        destroyOnHidden
        // The scanner's Enter closes the drawer; handed back to the icon, the same keystroke would press it and reopen it.
        focusable={{ focusTriggerAfterClose: false }}
      >
        <ScanInput
          label="追溯码查询"
          placeholder="扫码或输入追溯码，回车查看"
          onScan={(code) => {
            setOpen(false);
            navigate(traceHref(code));
            return { tone: 'ok', message: `正在查询 ${code}` };
          }}
        />
      </Drawer>
    </>
  );
}
