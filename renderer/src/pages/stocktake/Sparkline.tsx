/**
 * A small trend of monthly match rates (basis points); months without a count leave a gap. Plain SVG, so it
 * prints and needs no chart library.
 */
export function Sparkline({ values, width = 140, height = 32, label }: { values: (number | null)[]; width?: number; height?: number; label: string }) {
  const n = values.length;
  if (n === 0) return null;
  const x = (i: number) => (n === 1 ? width / 2 : 4 + (i * (width - 8)) / (n - 1));
  // 50%..100% fills the height: below 50% sits on the floor.
  const y = (bp: number) => 4 + ((10000 - Math.max(5000, bp)) * (height - 8)) / 5000;
  const segments: string[] = [];
  let current = '';
  values.forEach((v, i) => {
    if (v === null) {
      if (current) segments.push(current);
      current = '';
      return;
    }
    current += `${current ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
  });
  if (current) segments.push(current);
  return (
    <svg width={width} height={height} role="img" aria-label={label} style={{ display: 'block' }}>
      <line x1={0} x2={width} y1={y(9500)} y2={y(9500)} stroke="#b7eb8f" strokeDasharray="3 3" />
      {segments.map((d) => (
        <path key={d} d={d} fill="none" stroke="#1677ff" strokeWidth={1.5} />
      ))}
      {values.map((v, i) =>
        // biome-ignore lint/suspicious/noArrayIndexKey: one point per month, in month order
        v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={2.5} fill={v >= 9500 ? '#52c41a' : v >= 8500 ? '#faad14' : '#f5222d'} />,
      )}
    </svg>
  );
}
