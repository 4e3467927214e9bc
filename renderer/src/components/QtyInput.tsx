import { InputNumber, Select, Space } from 'antd';
import { useEffect, useState } from 'react';

export type QtyUnit = 'pack' | 'base';

export interface QtyInputProps {
  /** Base units. */
  value?: number | null;
  onChange?: (baseQty: number | null) => void;
  drug: { packSize: number; packUnit: string; baseUnit: string };
  /** Which unit the user types in at first. */
  defaultUnit?: QtyUnit;
  max?: number;
  autoFocus?: boolean;
  onPressEnter?: () => void;
  size?: 'small' | 'middle' | 'large';
  id?: string;
}

/**
 * A quantity typed in packs or in base units, with the unit always beside the number, and stored in base
 * units. Switching the unit keeps the quantity, not the number (2盒 becomes 48粒), so packs and units
 * can never be confused.
 */
export function QtyInput({ value, onChange, drug, defaultUnit = 'pack', max, autoFocus, onPressEnter, size, id }: QtyInputProps) {
  const canUsePacks = drug.packSize > 1;
  const [unit, setUnit] = useState<QtyUnit>(canUsePacks ? defaultUnit : 'base');
  const factor = unit === 'pack' ? drug.packSize : 1;
  const shown = value == null ? null : unit === 'pack' && value % drug.packSize !== 0 ? value / drug.packSize : value / factor;

  useEffect(() => {
    // A value that is not whole packs can only be shown in base units.
    if (unit === 'pack' && value != null && value % drug.packSize !== 0) setUnit('base');
  }, [value, unit, drug.packSize]);

  return (
    <Space.Compact size={size}>
      <InputNumber
        id={id}
        min={0}
        max={max !== undefined ? Math.floor(max / factor) : undefined}
        precision={0}
        value={shown}
        autoFocus={autoFocus}
        style={{ width: 110 }}
        onChange={(n) => onChange?.(n == null ? null : Math.round(Number(n)) * factor)}
        onPressEnter={onPressEnter}
        aria-label={`数量（${unit === 'pack' ? drug.packUnit : drug.baseUnit}）`}
      />
      <Select<QtyUnit>
        value={unit}
        style={{ width: 76 }}
        onChange={setUnit}
        aria-label="单位"
        options={[
          ...(canUsePacks ? [{ value: 'pack' as const, label: `${drug.packUnit}` }] : []),
          { value: 'base' as const, label: drug.baseUnit },
        ]}
      />
    </Space.Compact>
  );
}
