/**
 * A volume moved onto the grid a model was trained on, and its label mask moved back: the
 * voxel axes permuted and flipped to the model's orientation code (e.g. `RAS`), then
 * resampled (trilinear) to the model's voxel spacing where it differs by more than 1 %;
 * the mask comes back onto the source grid by nearest neighbour, so labels stay labels.
 * A model recording no spacing (null) or no orientation code (`as-stored`) leaves that
 * step out; with neither, the volume is used as it is.
 */
import { ResourceLimitError } from '../../core/src/index.js';
import type { Dataset } from './types.js';
import type { Volume } from './volume.js';
import { orientationFromAffine } from './volume.js';

/** The volume on the model's grid and the way back for a mask predicted on it. */
export interface ModelGrid {
  volume: Volume;
  /** Class index per voxel of `volume` -> per voxel of the source volume. */
  toSource(mask: Uint8Array): Uint8Array;
}

type V3 = [number, number, number];
const GROUPS = ['RL', 'AP', 'SI'];
const SPACING_TOLERANCE = 0.01;

/** Whether `code` is an orientation code: one letter of each of R/L, A/P, S/I. */
export function isOrientationCode(code: string): boolean {
  return code.length === 3 && GROUPS.every((g) => [...code].filter((c) => g.includes(c)).length === 1);
}

const groupOf = (letter: string) => GROUPS.findIndex((g) => g.includes(letter));

/**
 * `volume` on the grid of a model trained in `orientation` at `spacingMm` (x, y[, z] of that
 * orientation; null when unknown, an undefined entry keeps that axis as it is).
 * @throws ResourceLimitError when the resampled volume would exceed `maxVoxels` (checked
 *   before anything is allocated: the spacing of an input is the sender's to choose).
 */
export function toModelGrid(
  volume: Volume,
  orientation: string,
  spacingMm: readonly (number | undefined)[] | null,
  maxVoxels = Infinity,
): ModelGrid {
  const S = volume.shape;
  const current = orientationFromAffine(volume.affine);
  // Model axis t reads source axis perm[t], reversed when flip[t].
  let perm: V3 = [0, 1, 2];
  let flip = [false, false, false];
  if (isOrientationCode(orientation) && isOrientationCode(current)) {
    perm = [...orientation].map((l) => [...current].findIndex((c) => groupOf(c) === groupOf(l))) as V3;
    flip = [...orientation].map((l, t) => current[perm[t] as number] !== l);
  }
  const R = perm.map((p) => S[p]) as V3;
  const step = perm.map((p) => volume.spacingMm[p]) as V3;
  const N = R.map((r, t) => {
    const target = spacingMm?.[t];
    if (target === undefined || Math.abs(step[t] - target) <= SPACING_TOLERANCE * target) return r;
    return Math.max(1, Math.round((r * step[t]) / target));
  }) as V3;
  if (N[0] * N[1] * N[2] > maxVoxels) {
    throw new ResourceLimitError(
      `resampled to the model's spacing the volume would be ${N.join('x')} voxels, over the limit of ${maxVoxels}`,
    );
  }
  if (perm.every((p, t) => p === t) && !flip.some(Boolean) && N.every((n, t) => n === R[t])) {
    return { volume, toSource: (mask) => mask };
  }
  /** Continuous source coordinate along source axis perm[t] of model index n along t. */
  const sourceCoord = (t: number, n: number): number => {
    const r = N[t] === R[t] ? n : ((n + 0.5) * R[t]) / N[t] - 0.5;
    return flip[t] ? R[t] - 1 - r : r;
  };
  // Per model axis t and index n: the two source offsets (along source axis perm[t])
  // around the sample point and the weight of the second, so that each voxel is a lookup.
  const strides = [1, S[0], S[0] * S[1]];
  const axes = [0, 1, 2].map((t) => {
    const size = S[perm[t] as number] as number;
    const stride = strides[perm[t] as number] as number;
    const off0 = new Int32Array(N[t] as number);
    const off1 = new Int32Array(N[t] as number);
    const w = new Float32Array(N[t] as number);
    for (let n = 0; n < (N[t] as number); n++) {
      const c = Math.min(Math.max(sourceCoord(t, n), 0), size - 1);
      const lo = Math.min(Math.floor(c), Math.max(size - 2, 0));
      off0[n] = lo * stride;
      off1[n] = Math.min(lo + 1, size - 1) * stride;
      w[n] = size === 1 ? 0 : c - lo;
    }
    return { off0, off1, w };
  });
  const [ax, ay, az] = axes as [(typeof axes)[0], (typeof axes)[0], (typeof axes)[0]];
  const src = volume.data;
  const data = new Float32Array(N[0] * N[1] * N[2]);
  const at = (i: number) => src[i] as number;
  let o = 0;
  for (let k = 0; k < N[2]; k++) {
    const z0 = az.off0[k] as number;
    const z1 = az.off1[k] as number;
    const wz = az.w[k] as number;
    for (let j = 0; j < N[1]; j++) {
      const y0 = ay.off0[j] as number;
      const y1 = ay.off1[j] as number;
      const wy = ay.w[j] as number;
      for (let i = 0; i < N[0]; i++) {
        const x0 = ax.off0[i] as number;
        const x1 = ax.off1[i] as number;
        const wx = ax.w[i] as number;
        const c00 = at(x0 + y0 + z0) * (1 - wx) + at(x1 + y0 + z0) * wx;
        const c10 = at(x0 + y1 + z0) * (1 - wx) + at(x1 + y1 + z0) * wx;
        const c01 = at(x0 + y0 + z1) * (1 - wx) + at(x1 + y0 + z1) * wx;
        const c11 = at(x0 + y1 + z1) * (1 - wx) + at(x1 + y1 + z1) * wx;
        data[o++] = (c00 * (1 - wy) + c10 * wy) * (1 - wz) + (c01 * (1 - wy) + c11 * wy) * wz;
      }
    }
  }
  // Affine: model axis t is source axis perm[t] (negated when flipped), scaled by R/N;
  // the origin is the world position of model voxel (0, 0, 0).
  const origin = [0, 1, 2].map((t) => sourceCoord(t, 0));
  const sourceOrigin = new Array<number>(3);
  origin.forEach((c, t) => (sourceOrigin[perm[t] as number] = c));
  const affine = [0, 1, 2].map((row) => {
    const a = volume.affine[row] as number[];
    const cols = [0, 1, 2].map(
      (t) => (a[perm[t] as number] as number) * (flip[t] ? -1 : 1) * ((R[t] as number) / (N[t] as number)),
    );
    const shift =
      (a[3] as number) + [0, 1, 2].reduce((s, c) => s + (a[c] as number) * (sourceOrigin[c] as number), 0);
    return [...cols, shift];
  });
  affine.push([0, 0, 0, 1]);
  const moved: Volume = {
    data,
    shape: N,
    spacingMm: [0, 1, 2].map((t) =>
      N[t] === R[t] ? step[t] : ((step[t] as number) * (R[t] as number)) / (N[t] as number),
    ) as V3,
    affine,
    orientation: orientationFromAffine(affine),
  };
  /** Nearest model index along t of source index s along perm[t]. */
  const nearest = (t: number, s: number): number => {
    const r = flip[t] ? R[t] - 1 - s : s;
    const n = N[t] === R[t] ? r : Math.round(((r + 0.5) * N[t]) / R[t] - 0.5);
    return Math.min(Math.max(n, 0), N[t] - 1);
  };
  // Per source axis a: the offset in the model grid of the nearest model index.
  const modelStrides = [1, N[0], N[0] * N[1]];
  const back = [0, 1, 2].map((a) => {
    const t = perm.indexOf(a);
    return Int32Array.from({ length: S[a] as number }, (_, s) => nearest(t, s) * (modelStrides[t] as number));
  });
  const [bx, by, bz] = back as [Int32Array, Int32Array, Int32Array];
  const toSource = (mask: Uint8Array): Uint8Array => {
    const out = new Uint8Array(S[0] * S[1] * S[2]);
    let p = 0;
    for (let z = 0; z < S[2]; z++) {
      for (let y = 0; y < S[1]; y++) {
        const base = (bz[z] as number) + (by[y] as number);
        for (let x = 0; x < S[0]; x++) out[p++] = mask[base + (bx[x] as number)] as number;
      }
    }
    return out;
  };
  return { volume: moved, toSource };
}

/**
 * The grid a model trained on `dataset` records: the orientation code every volume shares
 * (else `as-stored`) and the spacing every volume shares within 1 % (else null). 2D image
 * datasets have neither.
 */
export function trainingGrid(dataset: Pick<Dataset, 'cases' | 'volumetric'>): {
  orientation: string;
  spacingMm: [number, number, number] | null;
} {
  const volumes = dataset.cases.map((c) => c.image);
  const first = volumes[0];
  if (!dataset.volumetric || first === undefined) return { orientation: 'as-stored', spacingMm: null };
  const codes = new Set(volumes.map((v) => orientationFromAffine(v.affine)));
  const code = [...codes][0] as string;
  const orientation = codes.size === 1 && isOrientationCode(code) ? code : 'as-stored';
  const same = volumes.every((v) =>
    v.spacingMm.every((s, a) => Math.abs(s - first.spacingMm[a]!) <= SPACING_TOLERANCE * first.spacingMm[a]!),
  );
  return { orientation, spacingMm: same && orientation !== 'as-stored' ? [...first.spacingMm] : null };
}
