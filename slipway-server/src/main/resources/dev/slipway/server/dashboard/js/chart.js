// The cost breakdown as a horizontal bar chart in plain SVG; the table next to it has the figures.

import { svg, money } from './ui.js';

export function costChart(cost) {
  const items = [...cost.items].sort((a, b) => Number(b.monthly) - Number(a.monthly));
  const max = Math.max(...items.map((i) => Number(i.monthly)), 0.01);
  const bar = 22;
  const gap = 8;
  const labelWidth = 110;
  const width = 360;
  const height = items.length * (bar + gap);
  const summary = items.map((i) => `${i.component} ${money(i.monthly, cost.currency)}`).join(', ');
  return svg('svg', {
    class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Monthly cost by component: ${summary}`, preserveAspectRatio: 'xMinYMin meet',
  }, items.map((item, n) => {
    const y = n * (bar + gap);
    const w = Math.max(1, ((width - labelWidth - 90) * Number(item.monthly)) / max);
    return svg('g', {},
      svg('text', { x: 0, y: y + bar * 0.7, class: 'label' }, item.component),
      svg('rect', { x: labelWidth, y, width: w.toFixed(1), height: bar, rx: 3, class: 'bar' }),
      svg('text', { x: labelWidth + w + 6, y: y + bar * 0.7, class: 'value' }, money(item.monthly, cost.currency)));
  }));
}
