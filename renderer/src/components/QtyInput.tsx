import { InputNumber, Select, Space } from 'antd';
import { useEffect, useState } from 'react';
import './QtyInput.css';

/** Digits from a Chinese IME come full-width ("１２"): they are the same digits, not a mistake to refuse. */
export const toHalfWidthDigits = (s: string) => s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
/**
 * An InputNumber's parser for counts: full-width digits from a Chinese IME become digits instead of being refused.
 * It hands back text: an empty box must stay empty (null), not become 0 (antd types it as a number).
 */
export const countParser = (text: string | undefined) => toHalfWidthDigits(text ?? '').replace(/[^\d.-]/g, '') as unknown as number;

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
  /** Controlled unit (e.g. to remember how a line was entered); pair with onUnitChange. */
  unit?: QtyUnit;
  onUnitChange?: (unit: QtyUnit) => void;
  /** Shows the quantity in both units under the field ("= 2盒（48粒）"). */
  showConversion?: boolean;
  /** Names the field for screen readers and tests: "<label>（盒）". */
  label?: string;
}

/**
 * A quantity typed in packs or in base units, with the unit always beside the number, and stored in base
 * units. Switching the unit keeps the quantity, not the number (2盒 becomes 48粒), so packs and units
 * can never be confused.
 */
export function QtyInput({
  value,
  onChange,
  drug,
  defaultUnit = 'pack',
  max,
  autoFocus,
  onPressEnter,
  size,
  id,
  unit: controlledUnit,
  onUnitChange,
  showConversion,
  label,
}: QtyInputProps) {
  const canUsePacks = drug.packSize > 1;
  const [ownUnit, setOwnUnit] = useState<QtyUnit>(canUsePacks ? defaultUnit : 'base');
  const unit: QtyUnit = !canUsePacks ? 'base' : (controlledUnit ?? ownUnit);
  const setUnit = (next: QtyUnit) => {
    setOwnUnit(next);
    onUnitChange?.(next);
  };
  const factor = unit === 'pack' ? drug.packSize : 1;
  const shown = value == null ? null : unit === 'pack' && value % drug.packSize !== 0 ? value / drug.packSize : value / factor;

  // biome-ignore lint/correctness/useExhaustiveDependencies: setUnit is a fresh closure each render; the effect follows the value and unit only
  useEffect(() => {
    // A value that is not whole packs can only be shown in base units.
    if (unit === 'pack' && value != null && value % drug.packSize !== 0) setUnit('base');
  }, [value, unit, drug.packSize]);

  const field = (
    <Space.Compact size={size}>
      <InputNumber
        id={id}
        min={0}
        max={max !== undefined ? Math.floor(max / factor) : undefined}
        precision={0}
        // The phone opens its number pad; a desktop keyboard is unaffected.
        inputMode="numeric"
        parser={countParser}
        value={shown}
        autoFocus={autoFocus}
        style={{ width: 110 }}
        onChange={(n) => onChange?.(n == null ? null : Math.round(Number(n)) * factor)}
        onPressEnter={onPressEnter}
        aria-label={`${label ?? '数量'}（${unit === 'pack' ? drug.packUnit : drug.baseUnit}）`}
      />
      <Select<QtyUnit>
        value={unit}
        style={{ width: 76 }}
        onChange={setUnit}
        aria-label="单位"
        options={[...(canUsePacks ? [{ value: 'pack' as const, label: `${drug.packUnit}` }] : []), { value: 'base' as const, label: drug.baseUnit }]}
      />
    </Space.Compact>
  );
  if (!showConversion || !canUsePacks) return field;
  return (
    <span className="qty-input">
      {field}
      <span className="qty-conversion">
        {value == null || value === 0
          ? `每${drug.packUnit} ${drug.packSize}${drug.baseUnit}`
          : value % drug.packSize === 0
            ? `= ${value / drug.packSize}${drug.packUnit}（${value}${drug.baseUnit}）`
            : `= ${Math.floor(value / drug.packSize)}${drug.packUnit}${value % drug.packSize}${drug.baseUnit}（共 ${value}${drug.baseUnit}）`}
      </span>
    </span>
  );
}
