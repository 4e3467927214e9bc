import { useEffect, useState } from 'react';
import { Input, InputNumber, Select, Space } from 'antd';
import type { Rule } from 'antd/es/form';
import { formatUnitPrice, parseYuanToUnitPrice } from '../../../../shared/money';
import { countParser } from '../../components/QtyInput';

/** A price per pack as typed: yuan with up to 4 decimals. */
export const PRICE_PATTERN = /^\d{1,9}(\.\d{1,4})?$/;

export const priceRules = (label: string, required = false): Rule[] => [
  ...(required ? [{ required: true, message: `请填写${label}` }] : []),
  { pattern: PRICE_PATTERN, message: `${label}应为以元为单位的数字，最多 4 位小数，如 3.24` },
];

/** Text in a price box → micro-yuan (null when empty). */
export function priceFromText(text: string | null | undefined): number | null {
  const t = (text ?? '').trim();
  return t ? parseYuanToUnitPrice(t) : null;
}

/** micro-yuan → text for a price box ('3.24', '0.5208'). */
export function priceToText(price: number | null | undefined): string | undefined {
  return price === null || price === undefined ? undefined : formatUnitPrice(price, 2);
}

/** "¥3.24" for tables. */
export function yuan(price: number | null | undefined): string {
  return price === null || price === undefined ? '—' : `¥${formatUnitPrice(price, 2)}`;
}

/**
 * A quantity stored in base units, entered in packs or base units: "10 盒" = 240 when a 盒 holds 24 粒.
 * Shows packs when the stored quantity is whole packs.
 */
export function QtyInput({
  value,
  onChange,
  packSize,
  packUnit,
  baseUnit,
  id,
}: {
  value?: number | null;
  onChange?: (v: number | null) => void;
  packSize: number;
  packUnit: string;
  baseUnit: string;
  id?: string;
}) {
  const size = packSize > 0 ? packSize : 1;
  const canUsePacks = size > 1 && packUnit && packUnit !== baseUnit;
  const [unit, setUnit] = useState<'pack' | 'base'>(value != null && value % size !== 0 ? 'base' : 'pack');
  useEffect(() => {
    if (value != null && value % size !== 0) setUnit('base');
  }, [value, size]);
  const inPacks = canUsePacks && unit === 'pack';
  const shown = value == null ? null : inPacks ? value / size : value;
  return (
    <Space.Compact style={{ width: '100%' }}>
      <InputNumber
        id={id}
        min={0}
        precision={0}
        style={{ width: '100%' }}
        value={shown}
        inputMode="numeric"
        parser={countParser}
        onChange={(n) => onChange?.(n === null ? null : inPacks ? Number(n) * size : Number(n))}
      />
      {canUsePacks ? (
        <Select
          style={{ width: 76 }}
          value={unit}
          onChange={setUnit}
          options={[
            { value: 'pack', label: packUnit },
            { value: 'base', label: baseUnit },
          ]}
          aria-label="数量单位"
        />
      ) : (
        <Input style={{ width: 56 }} value={baseUnit || '—'} disabled />
      )}
    </Space.Compact>
  );
}
