// The cost breakdown as a horizontal bar chart in plain SVG; the table next to it has the figures.

import { svg, money } from './ui.js';

export function costChart(cost) {
  const items = [...cost.items].sort((a, b) => Number(b.monthly) - Number(a.monthly));
  const max = Math.max(...items.map((i) => Number(i.monthly)), 0.01);
  // Each label on its own line above its bar, so that a long name (the application's shared
  // costs) is never cut off.
  const label = 16;
  const bar = 18;
  const gap = 10;
  const row = label + bar + gap;
  const width = 360;
  const height = items.length * row;
  const summary = items.map((i) => `${i.component} ${money(i.monthly, cost.currency)}`).join(', ');
  return svg('svg', {
    class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Monthly cost by component: ${summary}`, preserveAspectRatio: 'xMinYMin meet',
  }, items.map((item, n) => {
    const y = n * row;
    const w = Math.max(1, ((width - 80) * Number(item.monthly)) / max);
    return svg('g', {},
      svg('text', { x: 0, y: y + label - 4, class: 'label' }, item.component),
      svg('rect', { x: 0, y: y + label, width: w.toFixed(1), height: bar, rx: 3, class: 'bar' }),
      svg('text', { x: w + 6, y: y + label + bar * 0.75, class: 'value' }, money(item.monthly, cost.currency)));
  }));
}
