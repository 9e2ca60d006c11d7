/**
 * PNG line plots of training curves and alpha trajectories (@napi-rs/canvas).
 */
import { createCanvas } from '@napi-rs/canvas';
import { writeFileAtomic } from '../../engine/src/index.js';

/** One line of a plot. */
export interface Series {
  name: string;
  /** y values at x = xs[i]; non-finite values are skipped. */
  ys: number[];
}

/** A plot panel: a title and lines sharing one x axis. */
export interface Panel {
  title: string;
  xLabel: string;
  xs: number[];
  series: Series[];
}

const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

function niceRange(values: number[]): [number, number] {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return [0, 1];
  let lo = Math.min(...v);
  let hi = Math.max(...v);
  if (hi - lo < 1e-9) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

/**
 * Renders panels stacked vertically (each 800 x 300 px) to a PNG buffer.
 */
export function renderPanels(panels: Panel[]): Buffer {
  const pw = 800;
  const ph = 300;
  const canvas = createCanvas(pw, ph * Math.max(1, panels.length));
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  panels.forEach((p, pi) => {
    const top = pi * ph;
    const left = 80;
    const right = pw - 170;
    const plotTop = top + 30;
    const bottom = top + ph - 40;
    ctx.fillStyle = '#000000';
    ctx.font = '14px sans-serif';
    ctx.fillText(p.title, left, top + 20);
    ctx.strokeStyle = '#888888';
    ctx.lineWidth = 1;
    ctx.strokeRect(left, plotTop, right - left, bottom - plotTop);
    const [x0, x1] = niceRange(p.xs);
    const [y0, y1] = niceRange(p.series.flatMap((s) => s.ys));
    const sx = (x: number): number => left + ((x - x0) / (x1 - x0)) * (right - left);
    const sy = (y: number): number => bottom - ((y - y0) / (y1 - y0)) * (bottom - plotTop);
    ctx.font = '11px sans-serif';
    ctx.fillStyle = '#333333';
    const yDigits = Math.min(8, Math.max(0, Math.ceil(-Math.log10(y1 - y0)) + 2));
    for (let i = 0; i <= 4; i++) {
      const yv = y0 + ((y1 - y0) * i) / 4;
      ctx.fillText(yv.toFixed(yDigits), 4, sy(yv) + 4);
      const xv = x0 + ((x1 - x0) * i) / 4;
      ctx.fillText(xv.toFixed(x1 - x0 >= 10 ? 0 : 2), sx(xv) - 10, bottom + 14);
    }
    ctx.fillText(p.xLabel, (left + right) / 2 - 20, bottom + 30);
    p.series.forEach((s, si) => {
      const color = COLORS[si % COLORS.length] as string;
      ctx.strokeStyle = color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      let started = false;
      s.ys.forEach((y, i) => {
        const x = p.xs[i];
        if (x === undefined || !Number.isFinite(y)) return;
        if (!started) ctx.moveTo(sx(x), sy(y));
        else ctx.lineTo(sx(x), sy(y));
        started = true;
      });
      ctx.stroke();
      if (s.ys.length === 1 && Number.isFinite(s.ys[0]) && p.xs[0] !== undefined) {
        ctx.fillStyle = color;
        ctx.fillRect(sx(p.xs[0]) - 2, sy(s.ys[0] as number) - 2, 5, 5);
      }
      if (si < 18) {
        ctx.fillStyle = color;
        ctx.fillRect(right + 10, plotTop + si * 14, 10, 10);
        ctx.fillStyle = '#000000';
        ctx.fillText(s.name.slice(0, 22), right + 24, plotTop + si * 14 + 9);
      }
    });
  });
  return canvas.toBuffer('image/png');
}

/** Writes panels as a PNG file (atomically). */
export function savePlot(path: string, panels: Panel[]): void {
  writeFileAtomic(path, renderPanels(panels));
}
