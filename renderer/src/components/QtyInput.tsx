import { useEffect, useState } from 'react';
import { App, InputNumber, Select, Space, Typography } from 'antd';
import './QtyInput.css';

export interface QtyUnits {
  packSize: number;
  packUnit: string;
  baseUnit: string;
}

export type QtyUnit = 'pack' | 'base';

interface Props extends QtyUnits {
  /** Base units (what is stored); null while empty. */
  value: number | null;
  unit: QtyUnit;
  onChange(value: number | null, unit: QtyUnit): void;
  /** Only whole packs may be entered when true (the unit selector is hidden). */
  packsOnly?: boolean;
  disabled?: boolean;
  autoFocus?: boolean;
  id?: string;
  'aria-label'?: string;
  /** Shows the conversion ("= 2盒（48粒）") under the field. */
  showConversion?: boolean;
  width?: number;
}

/**
 * Quantity entry with the unit always next to the number: the user picks 盒 (pack) or 粒 (base unit)
 * explicitly, the value given back is always in base units, and the conversion is shown as they type,
 * so packs and base units cannot be confused.
 */
export function QtyInput({ value, unit, onChange, packSize, packUnit, baseUnit, packsOnly, disabled, autoFocus, id, showConversion = true, width = 150, ...rest }: Props) {
  const { message } = App.useApp();
  const effectiveUnit: QtyUnit = packSize === 1 ? 'base' : packsOnly ? 'pack' : unit;
  const shown = value === null ? null : effectiveUnit === 'pack' ? value / packSize : value;
  const [text, setText] = useState<number | null>(shown);
  useEffect(() => setText(shown), [shown]);

  const changeUnit = (next: QtyUnit) => {
    if (next === 'pack' && value !== null && value % packSize !== 0) {
      message.warning(`${value}${baseUnit}不是整${packUnit}（每${packUnit} ${packSize}${baseUnit}），请先改数量`);
      return;
    }
    onChange(value, next);
  };

  return (
    <div className="qty-input">
      <Space.Compact style={{ width }}>
        <InputNumber<number>
          id={id}
          aria-label={rest['aria-label']}
          value={text}
          min={0}
          max={effectiveUnit === 'pack' ? Math.floor(1e9 / packSize) : 1e9}
          precision={0}
          step={1}
          disabled={disabled}
          autoFocus={autoFocus}
          inputMode="numeric"
          style={{ width: '100%' }}
          onChange={(n) => {
            setText(n);
            if (n === null || n === undefined) onChange(null, effectiveUnit);
            else onChange(effectiveUnit === 'pack' ? n * packSize : n, effectiveUnit);
          }}
        />
        {packSize === 1 || packsOnly ? (
          <span className="qty-unit-fixed">{packSize === 1 ? baseUnit : packUnit}</span>
        ) : (
          <Select<QtyUnit>
            aria-label="数量单位"
            value={effectiveUnit}
            disabled={disabled}
            onChange={changeUnit}
            style={{ width: 64, flex: 'none' }}
            popupMatchSelectWidth={false}
            options={[
              { value: 'pack', label: packUnit },
              { value: 'base', label: baseUnit },
            ]}
          />
        )}
      </Space.Compact>
      {showConversion && packSize > 1 && (
        <Typography.Text type="secondary" className="qty-conversion">
          {value === null || value === 0
            ? `每${packUnit} ${packSize}${baseUnit}`
            : value % packSize === 0
              ? `= ${value / packSize}${packUnit}（${value}${baseUnit}）`
              : `= ${value}${baseUnit}（${Math.floor(value / packSize)}${packUnit}${value % packSize}${baseUnit}）`}
        </Typography.Text>
      )}
    </div>
  );
}
