import { useEffect, useImperativeHandle, useMemo, useRef, useState, type Ref } from 'react';
import { AutoComplete, Input, Tag, Typography } from 'antd';
import type { GetRef } from 'antd';
import { SearchOutlined } from '@ant-design/icons';
import { keepPreviousData } from '@tanstack/react-query';
import type { DrugHit } from '../../../shared/contract/catalog';
import { formatPack, formatQty } from '../../../shared/units';
import { BOOK_HIDDEN_TEXT } from '../../../shared/stocktake';
import { useApiQuery } from '../api/hooks';
import './DrugPicker.css';

export interface DrugPickerProps {
  /** Show the stock at this store (a village doctor: only their own clinic's store). */
  storeId?: number;
  /**
   * A drug was picked. `typedAhead` holds what was typed after an Enter pressed before the search had answered
   * (a fast typist's "amxl⏎12"): the caller puts it where it was meant to go (the quantity), never into a search.
   */
  onSelect(hit: DrugHit, typedAhead: string): void;
  autoFocus?: boolean;
  placeholder?: string;
  /** Drugs already chosen (e.g. lines of the document being edited) are not offered again. */
  excludeIds?: number[];
  size?: 'small' | 'middle' | 'large';
  /** Lets a drawer hand the focus to the picker once it has opened (autoFocus alone can lose a race with its focus trap). */
  ref?: Ref<DrugPickerHandle>;
  /**
   * Where the focus goes after a pick: back to the picker for the next drug (the default), or left to the caller,
   * which moves it to what is typed next (a quantity, a price). Only one of them may move it: two deferred
   * focus calls race, and the loser's keystrokes land in the wrong box.
   */
  focusAfterSelect?: 'picker' | 'caller';
}

export interface DrugPickerHandle {
  focus(): void;
}

const INSURANCE = { A: '甲类', B: '乙类', none: null } as const;

/** Badges of a hit: 集采 (with batch), insurance class, essential drug, OTC, inactive. */
export function DrugBadges({ hit }: { hit: Pick<DrugHit, 'vbp' | 'vbpBatch' | 'insuranceClass' | 'essential' | 'rx' | 'active'> }) {
  return (
    <span className="drug-badges">
      {hit.vbp && <Tag color="red">集采{hit.vbpBatch ? `·${hit.vbpBatch}` : ''}</Tag>}
      {INSURANCE[hit.insuranceClass] ? <Tag color="blue">医保{INSURANCE[hit.insuranceClass]}</Tag> : <Tag>非医保</Tag>}
      {hit.essential && <Tag color="green">基药</Tag>}
      {!hit.rx && <Tag color="cyan">OTC</Tag>}
      {!hit.active && <Tag>已停用</Tag>}
    </span>
  );
}

function HitOption({ hit, showStock }: { hit: DrugHit; showStock: boolean }) {
  return (
    <div className="drug-hit" data-drug-id={hit.id}>
      <div className="drug-hit-title">
        <span className="drug-hit-name">{hit.genericName}</span>
        {hit.tradeName && <span className="drug-hit-trade">（{hit.tradeName}）</span>}
        <DrugBadges hit={hit} />
      </div>
      <div className="drug-hit-meta">
        <span>{hit.spec}</span>
        <span>{formatPack(hit.packSize, hit.packUnit, hit.baseUnit)}</span>
        <span className="drug-hit-mfr">{hit.manufacturer}</span>
        {showStock && hit.stockQty !== null && (
          <span className={hit.stockQty > 0 ? 'drug-hit-stock' : 'drug-hit-stock empty'}>
            库存 {formatQty(hit.stockQty, hit.packSize, hit.packUnit, hit.baseUnit)}
          </span>
        )}
        {showStock && (hit.expiredQty ?? 0) > 0 && (
          <span className="drug-hit-stock empty">另有过期 {formatQty(hit.expiredQty!, hit.packSize, hit.packUnit, hit.baseUnit)}</span>
        )}
        {showStock && hit.bookHidden && <span className="drug-hit-stock hidden">库存：{BOOK_HIDDEN_TEXT}</span>}
      </div>
    </div>
  );
}

/** Waits for typing to pause before searching: one request per pause, not per keystroke. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/**
 * The drug picker used everywhere: type Chinese, pinyin initials (amxl), full pinyin, an NHSA code,
 * an approval number, or scan a box's 追溯码 (the server finds the box's drug, or the drug by GTIN or prefix); ↑ ↓ move, Enter picks (and clears the box for the next drug), Esc closes.
 */
export function DrugPicker({
  storeId,
  onSelect,
  autoFocus,
  placeholder,
  excludeIds,
  size = 'middle',
  ref: handle,
  focusAfterSelect = 'picker',
}: DrugPickerProps) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const ref = useRef<GetRef<typeof AutoComplete>>(null);
  useImperativeHandle(handle, () => ({ focus: () => ref.current?.focus() }), []);
  const q = useDebounced(text.trim(), 120);
  const search = useApiQuery('catalog.search', { q, storeId, limit: 20 }, { enabled: q.length > 0, placeholderData: keepPreviousData, staleTime: 5_000 });
  const hits = useMemo(() => {
    const exclude = new Set(excludeIds ?? []);
    return q ? (search.data ?? []).filter((h) => !exclude.has(h.id)) : [];
  }, [search.data, excludeIds, q]);
  const byValue = useMemo(() => new Map(hits.map((h) => [String(h.id), h])), [hits]);
  const options = useMemo(() => hits.map((h) => ({ value: String(h.id), label: <HitOption hit={h} showStock={storeId !== undefined} /> })), [hits, storeId]);
  const pending = text.trim() !== q || search.isFetching;

  // Enter pressed while the search for what was typed has not answered yet: pick its first hit once it does,
  // and keep the keys typed meanwhile for the caller (they belong to the next box, not to this search).
  const enterWaiting = useRef(false);
  const typedAhead = useRef('');
  function pick(hit: DrugHit) {
    const ahead = typedAhead.current;
    enterWaiting.current = false;
    typedAhead.current = '';
    setText('');
    setOpen(false);
    onSelect(hit, ahead);
    // Ready for the next drug, unless the caller takes the focus to the next box.
    if (focusAfterSelect === 'picker') setTimeout(() => ref.current?.focus(), 0);
  }
  // biome-ignore lint/correctness/useExhaustiveDependencies: pick is a fresh closure each render; this follows the search's answer only
  useEffect(() => {
    if (!enterWaiting.current || pending) return;
    // Picked from a task of its own (not this effect), so the caller can move the focus at once, in the same
    // task: a key pressed in between still finds the Enter waiting and is kept for the caller.
    if (hits.length > 0) setTimeout(() => enterWaiting.current && pick(hits[0]), 0);
    else {
      // Nothing found: the waiting Enter lapses and the keys typed meanwhile go back into the box, in order.
      enterWaiting.current = false;
      if (typedAhead.current) setText((t) => t + typedAhead.current);
      typedAhead.current = '';
    }
  }, [pending, hits]);

  return (
    <AutoComplete
      ref={ref}
      className="drug-picker"
      value={text}
      options={options}
      open={open && text.trim().length > 0}
      onOpenChange={setOpen}
      defaultActiveFirstOption
      popupMatchSelectWidth={false}
      classNames={{ popup: { root: 'drug-picker-popup' } }}
      showSearch={{ filterOption: false }}
      onChange={(v: string) => {
        // Picking an option also reports its value here; the box is cleared by onSelect instead.
        if (byValue.has(v) || v === text) return;
        setText(v);
        setOpen(true);
      }}
      onSelect={(value: string) => {
        const hit = byValue.get(value);
        if (hit) pick(hit);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
      notFoundContent={
        text.trim() && !pending ? (
          <Typography.Text type="secondary">没有找到“{text.trim()}”：可输入通用名、拼音首字母、医保编码、批准文号，或扫药盒追溯码</Typography.Text>
        ) : null
      }
      popupRender={(menu) => (
        <div>
          {menu}
          {hits.length > 0 && <div className="drug-picker-hint">↑↓ 选择 · Enter 确定 · Esc 关闭</div>}
        </div>
      )}
    >
      <Input
        onKeyDownCapture={(e) => {
          const plain = !e.ctrlKey && !e.metaKey && !e.altKey;
          if (e.key === 'Enter' && plain && text.trim() && (pending || enterWaiting.current)) {
            // The options on screen answer an earlier text (kept while the new search runs): not what Enter means.
            e.preventDefault();
            e.stopPropagation();
            enterWaiting.current = true;
          } else if (enterWaiting.current && plain && e.key.length === 1) {
            e.preventDefault();
            e.stopPropagation();
            typedAhead.current += e.key;
          }
        }}
        size={size}
        autoFocus={autoFocus}
        prefix={<SearchOutlined />}
        placeholder={placeholder ?? '输入药品名称、拼音首字母（如 amxl）、医保编码、批准文号，或扫追溯码'}
        aria-label="药品检索"
        allowClear
      />
    </AutoComplete>
  );
}
