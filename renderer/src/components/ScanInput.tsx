import { lazy, Suspense, useRef, useState } from 'react';
import { Button, Input, Modal, Space, Typography, type InputRef } from 'antd';
import { CameraOutlined, ScanOutlined } from '@ant-design/icons';
import { parseBoxCode, type ParsedTraceCode } from '../../../shared/traceCodes';

const CameraScanner = lazy(() => import('./CameraScanner'));

export type ScanTone = 'ok' | 'warn' | 'error';
export interface ScanResult {
  tone: ScanTone;
  message: string;
}

const TONE_COLORS: Record<ScanTone, string> = { ok: '#389e0d', warn: '#d46b08', error: '#cf1322' };

/** A short tone per outcome, so the counter need not look at the screen: one high beep, two middle, one low. */
function beep(tone: ScanTone): void {
  try {
    const ctx = new AudioContext();
    const plan =
      tone === 'ok'
        ? [[880, 0, 0.12]]
        : tone === 'warn'
          ? [
              [520, 0, 0.1],
              [520, 0.16, 0.1],
            ]
          : [[220, 0, 0.35]];
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
 * The scan box: keyboard-wedge scanners type the code and Enter; the focus stays here so the next box can be
 * scanned at once, and the mouse is never needed. On a phone the camera button reads DataMatrix, GS1-128 and
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
  const [busy, setBusy] = useState(false);
  const input = useRef<InputRef>(null);

  async function take(raw: string) {
    if (!raw.trim()) return;
    setValue('');
    const parsed = parseBoxCode(raw);
    let result: ScanResult;
    if (!parsed.ok) result = { tone: 'error', message: parsed.message };
    else {
      setBusy(true);
      try {
        result = await onScan(parsed.value.code, parsed.value);
      } catch (e) {
        result = { tone: 'error', message: e instanceof Error ? e.message : String(e) };
      } finally {
        setBusy(false);
      }
    }
    setLast(result);
    beep(result.tone);
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
          onPressEnter={() => void take(value)}
          placeholder={placeholder}
          autoFocus={autoFocus}
          autoComplete="off"
          spellCheck={false}
          inputMode="text"
          disabled={busy}
          aria-label={label}
          style={last ? { borderColor: TONE_COLORS[last.tone] } : undefined}
        />
        <Button size="large" icon={<CameraOutlined />} onClick={() => setCamera(true)} aria-label="用摄像头扫码" title="用摄像头扫码" />
      </Space.Compact>
      {last && (
        <Typography.Text role="status" data-tone={last.tone} style={{ display: 'block', marginTop: 4, color: TONE_COLORS[last.tone], fontWeight: 500 }}>
          {last.message}
        </Typography.Text>
      )}
      <Modal open={camera} title="用摄像头扫码" footer={null} onCancel={() => setCamera(false)} destroyOnHidden width={420}>
        {camera && (
          <Suspense fallback={<Typography.Text type="secondary">正在打开摄像头…</Typography.Text>}>
            <CameraScanner
              onDetected={(text) => {
                setCamera(false);
                void take(text);
              }}
            />
          </Suspense>
        )}
      </Modal>
    </div>
  );
}
