/**
 * Alpha trajectories of a search and their PNG plots, one file per cell type.
 *
 * A trajectory point is the softmax of the three alpha matrices after a step:
 * `[matrix: down, up, normal][edge][op]`, edges node-major as in `edgeIndex`, op columns
 * in `OP_NAMES` order. A DownSC uses `alpha_down` on edges from s0/s1 and `alpha_normal` on
 * edges from nodes; an UpSC uses `alpha_up` on the edge from s1 and `alpha_normal` on the
 * others (`alpha_normal` is shared by both cell types, as the spec says).
 */
import { OP_NAMES, edgeIndex, edgeOpSet, type CellKind } from '../../nas/src/index.js';
import { savePlot, type Panel } from './plots.js';

/** Softmaxed alphas after given global steps. */
export interface AlphaTrajectory {
  /** Position of each point: the global step after which it was taken (0 = initial alphas), or the epoch. */
  steps: number[];
  /** What `steps` counts, for the x axis; default 'step'. */
  unit?: 'step' | 'epoch';
  /** `[point][matrix][edge][op]` */
  points: number[][][][];
}

const MATRIX = { down: 0, up: 1, normal: 2 } as const;

/** Edges of a cell type that read from an edge set, as `{ edge, label }`. */
function edgesOf(
  kind: CellKind,
  set: 'down' | 'up' | 'normal',
  nodes: number,
): Array<{ edge: number; label: string }> {
  const out: Array<{ edge: number; label: string }> = [];
  for (let node = 0; node < nodes; node++) {
    for (let input = 0; input < node + 2; input++) {
      if (edgeOpSet(kind, input) === set) {
        const from = input === 0 ? 's0' : input === 1 ? 's1' : `n${input - 2}`;
        out.push({ edge: edgeIndex(node, input), label: `${from}->n${node}` });
      }
    }
  }
  return out;
}

function meanPanel(
  t: AlphaTrajectory,
  set: 'down' | 'up' | 'normal',
  kind: CellKind,
  nodes: number,
  title: string,
): Panel {
  const edges = edgesOf(kind, set, nodes);
  const m = MATRIX[set];
  return {
    title,
    xLabel: t.unit ?? 'step',
    xs: t.steps,
    series: OP_NAMES[set].map((op, o) => ({
      name: op,
      ys: t.points.map(
        (p) => edges.reduce((s, e) => s + (p[m]?.[e.edge]?.[o] ?? 0), 0) / Math.max(1, edges.length),
      ),
    })),
  };
}

function strengthPanel(t: AlphaTrajectory, kind: CellKind, nodes: number): Panel {
  const series: Panel['series'] = [];
  for (const set of ['down', 'up', 'normal'] as const) {
    const m = MATRIX[set];
    for (const e of edgesOf(kind, set, nodes)) {
      series.push({
        name: `${e.label} (${set})`,
        ys: t.points.map((p) => {
          const row = p[m]?.[e.edge] ?? [];
          // Largest weight among the ops the derivation can pick (never `none`).
          return Math.max(...row.filter((_, o) => OP_NAMES[set][o] !== 'none'));
        }),
      });
    }
  }
  return {
    title: `${kind} cell: largest non-none softmax weight per edge`,
    xLabel: t.unit ?? 'step',
    xs: t.steps,
    series,
  };
}

/** Writes `<prefix>-down.png` and `<prefix>-up.png`; returns the paths. */
export function saveAlphaPlots(t: AlphaTrajectory, nodes: number, prefix: string): string[] {
  const down = `${prefix}-down.png`;
  const up = `${prefix}-up.png`;
  savePlot(down, [
    meanPanel(t, 'down', 'down', nodes, 'DownSC, edges from s0/s1: mean softmax weight per op (alpha_down)'),
    meanPanel(
      t,
      'normal',
      'down',
      nodes,
      'DownSC, edges from nodes: mean softmax weight per op (alpha_normal)',
    ),
    strengthPanel(t, 'down', nodes),
  ]);
  savePlot(up, [
    meanPanel(t, 'up', 'up', nodes, 'UpSC, edge from s1: mean softmax weight per op (alpha_up)'),
    meanPanel(
      t,
      'normal',
      'up',
      nodes,
      'UpSC, edges from s0 and nodes: mean softmax weight per op (alpha_normal)',
    ),
    strengthPanel(t, 'up', nodes),
  ]);
  return [down, up];
}
