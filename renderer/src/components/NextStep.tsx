import { useEffect, useRef } from 'react';
import { Alert, Button, Space } from 'antd';

export interface NextStepAction {
  label: string;
  run(): void;
}

export interface NextStepInfo {
  /** What just happened ("采购订单 CG-… 已发送"). */
  done: string;
  actions: NextStepAction[];
}

/**
 * The step that usually follows the one just finished (issue 17, 下一步): a success line with its buttons, the first
 * one focused, so Enter goes on from the keyboard and Tab reaches the others; Esc or × dismisses it.
 */
export function NextStep({ step, onClose }: { step: NextStepInfo | null; onClose(): void }) {
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (step) first.current?.focus();
  }, [step]);
  if (!step) return null;
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: Esc anywhere in the panel dismisses it, as its × does
    <div onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <Alert
        type="success"
        showIcon
        closable={{ onClose, 'aria-label': '关闭' }}
        role="region"
        aria-label="下一步"
        style={{ marginBottom: 12 }}
        title={step.done}
        action={
          <Space>
            {step.actions.map((a, i) => (
              <Button
                key={a.label}
                ref={i === 0 ? first : undefined}
                type={i === 0 ? 'primary' : 'default'}
                size="small"
                onClick={() => {
                  onClose();
                  a.run();
                }}
              >
                {a.label}
              </Button>
            ))}
          </Space>
        }
      />
    </div>
  );
}
