import { Tag, Tooltip } from 'antd';
import { DIFFERENCE_HELP, DIFFERENCE_LABELS, type DifferenceKind } from '../../../../shared/reconciliation';

/** Red for what may be 虚开 or 串换, orange for what needs a look, green for what the clinic explained. */
export const KIND_COLOR: Record<DifferenceKind, string> = {
  settled_not_dispensed: 'red',
  dispensed_not_settled: 'orange',
  self_pay: 'green',
  visit_mismatch: 'magenta',
  price_mismatch: 'gold',
  unknown_drug: 'volcano',
  code_settled_twice: 'red',
  code_other_drug: 'magenta',
  code_not_scanned: 'blue',
  code_not_settled: 'blue',
};

export function KindTag({ kind, count }: { kind: DifferenceKind; count?: number }) {
  return (
    <Tooltip title={DIFFERENCE_HELP[kind]}>
      <Tag color={KIND_COLOR[kind]} style={{ marginInlineEnd: 4 }}>
        {DIFFERENCE_LABELS[kind]}
        {count !== undefined && ` ${count}`}
      </Tag>
    </Tooltip>
  );
}

export function KindTags({ kinds }: { kinds: readonly DifferenceKind[] }) {
  if (kinds.length === 0) return <Tag color="default">相符</Tag>;
  return (
    <span className="recon-kinds">
      {kinds.map((k) => (
        <KindTag key={k} kind={k} />
      ))}
    </span>
  );
}

/** A quantity in base units with its unit, or a dash for a drug the catalog does not have. */
export function baseQty(qty: number | null, baseUnit: string | null): string {
  return qty === null ? '—' : `${qty}${baseUnit ?? ''}`;
}
