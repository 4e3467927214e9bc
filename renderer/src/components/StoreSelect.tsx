import { Select } from 'antd';
import { useEffect } from 'react';
import { useApiQuery } from '../api/hooks';

/** Picks a store the user may see (hub first, then clinics by code); selects the first when empty. */
export function StoreSelect({
  value,
  onChange,
  includeTransit = false,
  style,
}: {
  value?: number;
  onChange(id: number): void;
  includeTransit?: boolean;
  style?: React.CSSProperties;
}) {
  const stores = useApiQuery('stock.stores', { includeTransit });
  useEffect(() => {
    if (value === undefined && stores.data?.length) onChange(stores.data[0].id);
  }, [value, stores.data, onChange]);
  return (
    <Select
      aria-label="库房"
      showSearch={{ optionFilterProp: 'label' }}
      style={{ minWidth: 220, ...style }}
      loading={stores.isLoading}
      value={value}
      onChange={onChange}
      options={stores.data?.map((s) => ({ value: s.id, label: s.kind === 'hub' ? `★ ${s.name}` : `${s.clinicCode} ${s.name}` }))}
    />
  );
}
