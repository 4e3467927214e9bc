import { lazy, Suspense, useRef, useState } from 'react';
import { Button, Input, Modal, Space, Tag, Typography, type InputRef } from 'antd';
import { CameraOutlined, LoadingOutlined, ScanOutlined } from '@ant-design/icons';
import { parseBoxCode, type ParsedTraceCode } from '../../../shared/traceCodes';

const CameraScanner = lazy(() => import('./CameraScanner'));

export type ScanTone = 'ok' | 'warn' | 'error';
/** What a scan meant, for the counter to tell apart without reading: each has its own colour, label and sound. */
export type ScanKind = 'accepted' | 'duplicate' | 'wrong_drug' | 'not_on_delivery';
export interface ScanResult {
  tone: ScanTone;
  message: string;
  /** The outcome when it is one of the four a scanner meets all day; otherwise the tone alone speaks. */
  kind?: ScanKind;
}

/** [frequency Hz, start s, length s] of each beep. */
type Beeps = [number, number, number][];
interface Feedback {
  color: string;
  background: string;
  label: string;
  beeps: Beeps;
}

const FEEDBACK: Record<ScanKind, Feedback> = {
  // One high beep: take the next box.
  accepted: { color: '#389e0d', background: '#f6ffed', label: '已接受', beeps: [[880, 0, 0.12]] },
  // Two middle beeps: nothing wrong with the box, it was simply scanned already.
  duplicate: {
    color: '#d46b08',
    background: '#fff7e6',
    label: '重复扫码',
    beeps: [
      [520, 0, 0.1],
      [520, 0.16, 0.1],
    ],
  },
  // One long low tone: put this box aside.
  wrong_drug: { color: '#cf1322', background: '#fff1f0', label: '药品不符', beeps: [[220, 0, 0.35]] },
  // Falling pair: the box is real but belongs to another document.
  not_on_delivery: {
    color: '#531dab',
    background: '#f9f0ff',
    label: '不在本单',
    beeps: [
      [660, 0, 0.12],
      [330, 0.16, 0.22],
    ],
  },
};
const BY_TONE: Record<ScanTone, Feedback> = {
  ok: FEEDBACK.accepted,
  warn: { ...FEEDBACK.duplicate, label: '请注意' },
  error: { ...FEEDBACK.wrong_drug, label: '未接受' },
};
const feedbackOf = (r: ScanResult): Feedback => (r.kind ? FEEDBACK[r.kind] : BY_TONE[r.tone]);

/** A short Web Audio tone per outcome (no sound files), so the counter need not look at the screen. */
function beep(plan: Beeps): void {
  try {
    const ctx = new AudioContext();
    for (const [freq, at, len] of plan) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = freq;
      gain.gain.value = 0.08;
      osc.connect(gain).connect(ctx.destination);
      osc.start(ctx.currentTime + at);
      osc.stop(ctx.currentTime + at + len);
    }
    setTimeout(() => void ctx.close(), 800);
  } catch {
    // no audio (a locked-down browser): the colour says it all the same
  }
}

/**
 * The scan box: keyboard-wedge scanners type the code and Enter; the focus stays here (the box is never disabled,
 * scans made while the server answers wait their turn) so the next box can be scanned at once, and the mouse is
 * never needed. On a phone the camera button reads DataMatrix, GS1-128 and
 * EAN-13. A code that names no box is refused here, before the server is asked.
 */
export function ScanInput({
  onScan,
  placeholder = '扫码枪扫描药盒追溯码，或输入后回车',
  label = '扫码',
  autoFocus = true,
}: {
  onScan: (code: string, parsed: ParsedTraceCode & { code: string }) => ScanResult | Promise<ScanResult>;
  placeholder?: string;
  label?: string;
  autoFocus?: boolean;
}) {
  const [value, setValue] = useState('');
  const [last, setLast] = useState<ScanResult | null>(null);
  const [camera, setCamera] = useState(false);
  const [waiting, setWaiting] = useState(0);
  const input = useRef<InputRef>(null);
  // Scans are answered one after another, in the order they were made. The box is never disabled while the server
  // answers: a disabled field loses the focus, and a scanner's next code, typed a moment later, would be lost.
  const queue = useRef<Promise<void>>(Promise.resolve());
  // A waiting scan is answered by the page as it is after the scan before it (its lists and counts re-rendered).
  const latestOnScan = useRef(onScan);
  latestOnScan.current = onScan;
  const shown = last ? feedbackOf(last) : null;

  async function answer(raw: string) {
    const parsed = parseBoxCode(raw);
    let result: ScanResult;
    if (!parsed.ok) result = { tone: 'error', message: parsed.message };
    else {
      try {
        await new Promise((resolve) => setTimeout(resolve, 0));
        result = await latestOnScan.current(parsed.value.code, parsed.value);
      } catch (e) {
        result = { tone: 'error', message: e instanceof Error ? e.message : String(e) };
      }
    }
    setLast(result);
    beep(feedbackOf(result).beeps);
  }

  function take(raw: string) {
    if (!raw.trim()) return;
    setValue('');
    setWaiting((n) => n + 1);
    queue.current = queue.current.then(() => answer(raw)).finally(() => setWaiting((n) => n - 1));
    input.current?.focus();
  }

  return (
    <div className="scan-input">
      <Space.Compact style={{ width: '100%' }}>
        <Input
          ref={input}
          size="large"
          prefix={<ScanOutlined />}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          onPressEnter={() => take(value)}
          placeholder={placeholder}
          autoFocus={autoFocus}
          autoComplete="off"
          spellCheck={false}
          inputMode="text"
          suffix={waiting > 0 ? <LoadingOutlined aria-label="正在核对" /> : <span />}
          aria-label={label}
          aria-busy={waiting > 0}
          style={shown ? { borderColor: shown.color } : undefined}
        />
        <Button size="large" icon={<CameraOutlined />} onClick={() => setCamera(true)} aria-label="用摄像头扫码" title="用摄像头扫码" />
      </Space.Compact>
      {last && shown && (
        <div
          className="scan-feedback"
          data-testid="scan-feedback"
          data-tone={last.tone}
          data-kind={last.kind ?? ''}
          style={{ borderColor: shown.color, background: shown.background }}
        >
          <Tag color={shown.color} style={{ marginInlineEnd: 0 }}>
            {shown.label}
          </Tag>
          <Typography.Text role="status" data-tone={last.tone} style={{ color: shown.color, fontWeight: 500 }}>
            {last.message}
          </Typography.Text>
        </div>
      )}
      <Modal open={camera} title="用摄像头扫码" footer={null} onCancel={() => setCamera(false)} destroyOnHidden width={420}>
        {camera && (
          <Suspense fallback={<Typography.Text type="secondary">正在打开摄像头…</Typography.Text>}>
            <CameraScanner
              onDetected={(text) => {
                setCamera(false);
                take(text);
              }}
            />
          </Suspense>
        )}
      </Modal>
    </div>
  );
}
