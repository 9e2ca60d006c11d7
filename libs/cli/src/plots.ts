/**
 * PNG line plots of training curves and alpha trajectories (@napi-rs/canvas): nice tick
 * steps, integer ticks on an integer x axis (epochs), labelled axes.
 */
import { createCanvas } from '@napi-rs/canvas';
import { writeFileAtomic } from '../../engine/src/index.js';
import { axisFor, tickLabel } from './plot-axis.js';

/** One line of a plot. */
export interface Series {
  name: string;
  /** y values at x = xs[i]; non-finite values are skipped. */
  ys: number[];
}

/** A plot panel: a title and lines sharing one x axis. */
export interface Panel {
  title: string;
  /** x axis label; the ticks are integers when every x is (epochs, steps). */
  xLabel: string;
  xs: number[];
  series: Series[];
  /** y axis label [none]. */
  yLabel?: string;
  /** Values the y axis must include beyond the data, e.g. [0, 1] for Dice, [0] for a loss [none]. */
  yInclude?: number[];
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
    const xAxis = axisFor(p.xs, { integer: p.xs.every(Number.isInteger) });
    const yAxis = axisFor(
      p.series.flatMap((s) => s.ys),
      p.yInclude ? { include: p.yInclude } : {},
    );
    const [x0, x1, y0, y1] = [xAxis.lo, xAxis.hi, yAxis.lo, yAxis.hi];
    const sx = (x: number): number => left + ((x - x0) / (x1 - x0)) * (right - left);
    const sy = (y: number): number => bottom - ((y - y0) / (y1 - y0)) * (bottom - plotTop);
    ctx.font = '11px sans-serif';
    ctx.fillStyle = '#333333';
    ctx.strokeStyle = '#e4e4e4';
    for (const yv of yAxis.ticks) {
      const label = tickLabel(yv, yAxis.step);
      ctx.fillText(label, left - 6 - ctx.measureText(label).width, sy(yv) + 4);
      ctx.beginPath();
      ctx.moveTo(left + 1, sy(yv));
      ctx.lineTo(right - 1, sy(yv));
      ctx.stroke();
    }
    for (const xv of xAxis.ticks) {
      const label = tickLabel(xv, xAxis.step);
      ctx.fillText(label, sx(xv) - ctx.measureText(label).width / 2, bottom + 14);
      ctx.beginPath();
      ctx.moveTo(sx(xv), bottom);
      ctx.lineTo(sx(xv), bottom + 4);
      ctx.stroke();
    }
    ctx.fillText(p.xLabel, (left + right) / 2 - ctx.measureText(p.xLabel).width / 2, bottom + 30);
    if (p.yLabel) {
      ctx.save();
      ctx.translate(14, (plotTop + bottom) / 2 + ctx.measureText(p.yLabel).width / 2);
      ctx.rotate(-Math.PI / 2);
      ctx.fillText(p.yLabel, 0, 0);
      ctx.restore();
    }
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
