import { useState } from 'react';
import { Button, Input, Popconfirm, Space, Typography } from 'antd';

/**
 * The last column of a request that waits for the hub (a return to the hub, a write-off): once decided, who decided
 * and their note; while it waits, a note with accept and 驳回 (a note required) for whoever decides, 撤回 for whoever
 * asked.
 */
export function DecisionCell(props: {
  waiting: boolean;
  decidedByName: string | null;
  decisionNote: string | null;
  mayDecide: boolean;
  notePlaceholder: string;
  acceptLabel: string;
  /** The question asked before accepting (accepting posts stock). */
  acceptQuestion: string;
  onAccept: (note: string | null) => void;
  onReject: (note: string) => void;
  onCancel: () => void;
}) {
  const [note, setNote] = useState('');
  if (!props.waiting)
    return (
      <Typography.Text type="secondary">
        {props.decidedByName ? `${props.decidedByName}${props.decisionNote ? `：${props.decisionNote}` : ''}` : ''}
      </Typography.Text>
    );
  if (!props.mayDecide)
    return (
      <Button size="small" onClick={props.onCancel}>
        撤回
      </Button>
    );
  return (
    <Space.Compact>
      <Input size="small" placeholder={props.notePlaceholder} value={note} onChange={(e) => setNote(e.target.value)} style={{ width: 140 }} />
      <Popconfirm title={props.acceptQuestion} onConfirm={() => props.onAccept(note || null)}>
        <Button size="small" type="primary">
          {props.acceptLabel}
        </Button>
      </Popconfirm>
      <Button size="small" danger disabled={!note.trim()} onClick={() => props.onReject(note)}>
        驳回
      </Button>
    </Space.Compact>
  );
}
