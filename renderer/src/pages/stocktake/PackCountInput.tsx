import { InputNumber, Space } from 'antd';
import { useEffect, useState } from 'react';
import { countParser } from '../../components/QtyInput';

/**
 * A shelf count typed the way it is counted: whole packs and loose base units (3盒 + 6粒), stored in base
 * units. Drugs whose pack is one unit get a single box.
 */
export function PackCountInput({
  value,
  onChange,
  drug,
  onPressEnter,
  id,
  autoFocus,
}: {
  value: number | null;
  onChange(base: number | null): void;
  drug: { packSize: number; packUnit: string; baseUnit: string; drugName: string; batchNo: string };
  onPressEnter?: () => void;
  id?: string;
  autoFocus?: boolean;
}) {
  const split = drug.packSize > 1;
  const toParts = (v: number | null) =>
    v === null ? { packs: null, units: null } : split ? { packs: Math.floor(v / drug.packSize), units: v % drug.packSize } : { packs: null, units: v };
  const [parts, setParts] = useState<{ packs: number | null; units: number | null }>(toParts(value));
  // biome-ignore lint/correctness/useExhaustiveDependencies: only an outside change of value resets the parts (typing them must not)
  useEffect(() => {
    const total = parts.packs === null && parts.units === null ? null : (parts.packs ?? 0) * drug.packSize + (parts.units ?? 0);
    if (total !== value) setParts(toParts(value));
  }, [value]);
  const emit = (next: { packs: number | null; units: number | null }) => {
    setParts(next);
    onChange(next.packs === null && next.units === null ? null : (next.packs ?? 0) * drug.packSize + (next.units ?? 0));
  };
  const label = `${drug.drugName} 批号 ${drug.batchNo} 实盘`;
  return (
    <Space.Compact>
      {split && (
        <InputNumber
          id={id}
          min={0}
          max={1_000_000}
          precision={0}
          value={parts.packs}
          autoFocus={autoFocus}
          inputMode="numeric"
          parser={countParser}
          onChange={(n) => emit({ ...parts, packs: n === null ? null : Number(n) })}
          onPressEnter={onPressEnter}
          style={{ width: 84 }}
          suffix={drug.packUnit}
          aria-label={`${label}（${drug.packUnit}）`}
        />
      )}
      <InputNumber
        id={split ? undefined : id}
        min={0}
        max={split ? drug.packSize * 1000 : 1_000_000_000}
        precision={0}
        value={parts.units}
        autoFocus={autoFocus && !split}
        inputMode="numeric"
        parser={countParser}
        onChange={(n) => emit({ ...parts, units: n === null ? null : Number(n) })}
        onPressEnter={onPressEnter}
        style={{ width: split ? 84 : 120 }}
        suffix={drug.baseUnit}
        aria-label={`${label}（${drug.baseUnit}）`}
      />
    </Space.Compact>
  );
}
