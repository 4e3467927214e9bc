import { useState } from 'react';
import { Button, Input, Popconfirm, Space, Typography } from 'antd';

/**
 * The last column of a request that waits for the hub (a return to the hub, a write-off): once decided, who decided
 * and their note; while it waits, a note with accept and 驳回 (a note required) for whoever decides, 撤回 for whoever
 * asked.
 */
export interface DecisionWords {
  notePlaceholder: string;
  acceptLabel: string;
  /** The question asked before accepting (accepting posts stock). */
  acceptQuestion: string;
}

export function DecisionCell(props: {
  request: { decidedByName: string | null; decisionNote: string | null };
  waiting: boolean;
  mayDecide: boolean;
  words: DecisionWords;
  onDecide: (accept: boolean, note: string | null) => void;
  onCancel: () => void;
}) {
  const [note, setNote] = useState('');
  const { decidedByName, decisionNote } = props.request;
  if (!props.waiting)
    return <Typography.Text type="secondary">{decidedByName ? `${decidedByName}${decisionNote ? `：${decisionNote}` : ''}` : ''}</Typography.Text>;
  if (!props.mayDecide)
    return (
      <Button size="small" onClick={props.onCancel}>
        撤回
      </Button>
    );
  return (
    <Space.Compact>
      <Input size="small" placeholder={props.words.notePlaceholder} value={note} onChange={(e) => setNote(e.target.value)} style={{ width: 140 }} />
      <Popconfirm title={props.words.acceptQuestion} onConfirm={() => props.onDecide(true, note || null)}>
        <Button size="small" type="primary">
          {props.words.acceptLabel}
        </Button>
      </Popconfirm>
      <Button size="small" danger disabled={!note.trim()} onClick={() => props.onDecide(false, note)}>
        驳回
      </Button>
    </Space.Compact>
  );
}
