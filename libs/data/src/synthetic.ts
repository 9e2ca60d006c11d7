/**
 * Built-in synthetic segmentation dataset: textured, noisy 2D phantoms with two
 * organ-like shapes, generated in memory and fully determined by the config (and seed).
 */
import { ValidationError } from '../../core/src/index.js';
import { digestJson } from './digest.js';
import { deriveSeed, Rng } from './rng.js';
import type { Case, ClassInfo, Dataset } from './types.js';
import { makeVolume } from './volume.js';

/** Synthetic dataset parameters. */
export interface SyntheticConfig {
  /** Number of cases (1..10000); default 16. */
  count: number;
  /** Image side in pixels (8..1024), images are size x size; default 64. */
  size: number;
  /** Seed; the same config always yields the same images. Default 0. */
  seed: number;
  /** Standard deviation of the additive Gaussian noise (intensities are ~0..1); default 0.12. */
  noise: number;
}

/** Defaults of {@link SyntheticConfig}. */
export const SYNTHETIC_DEFAULTS: Readonly<SyntheticConfig> = { count: 16, size: 64, seed: 0, noise: 0.12 };

/** Classes of the synthetic set: 0 background (incl. body), 1 bright organ, 2 dark organ. */
export const SYNTHETIC_CLASSES: readonly ClassInfo[] = [
  { code: 0, name: 'background' },
  { code: 1, name: 'organ_bright' },
  { code: 2, name: 'organ_dark' },
];

/** Validates and fills a partial config. @throws ValidationError naming the field. */
export function resolveSyntheticConfig(partial: Partial<SyntheticConfig> = {}): SyntheticConfig {
  const c = { ...SYNTHETIC_DEFAULTS, ...stripUndefined(partial) };
  const intIn = (k: 'count' | 'size', lo: number, hi: number): void => {
    const v = c[k];
    if (!Number.isInteger(v) || v < lo || v > hi)
      throw new ValidationError(`synthetic ${k} must be an integer in [${lo}, ${hi}], got ${v}`);
  };
  intIn('count', 1, 10000);
  intIn('size', 8, 1024);
  if (!Number.isFinite(c.seed))
    throw new ValidationError(`synthetic seed must be a finite number, got ${c.seed}`);
  if (!Number.isFinite(c.noise) || c.noise < 0 || c.noise > 2)
    throw new ValidationError(`synthetic noise must be in [0, 2], got ${c.noise}`);
  return c;
}

/**
 * Generates the synthetic dataset. Each case is a 1-slice volume [size, size, 1] with
 * intensities roughly in 0..1: a textured body ellipse, a bright deformed ellipse
 * (class 1) and a darker smooth blob (class 2), a smooth bias field and Gaussian noise.
 * Case i depends only on (seed, i), so a larger `count` extends a smaller set.
 */
export function generateSyntheticDataset(partial: Partial<SyntheticConfig> = {}): Dataset {
  const config = resolveSyntheticConfig(partial);
  const cases: Case[] = [];
  for (let i = 0; i < config.count; i++) cases.push(generateCase(config, i));
  return {
    name: `synthetic-${config.size}px-${config.count}`,
    kind: 'synthetic',
    cases,
    classes: SYNTHETIC_CLASSES.map((c) => ({ ...c })),
    skipped: [],
    digest: digestJson({ generator: 'nasunet-synthetic-v1', ...config }),
    volumetric: false,
  };
}

function generateCase(cfg: SyntheticConfig, index: number): Case {
  const rng = new Rng(deriveSeed(cfg.seed, index));
  const n = cfg.size;
  const img = new Float32Array(n * n);
  const lab = new Float32Array(n * n);
  const c = (n - 1) / 2;
  // Body ellipse.
  const bodyRx = n * rng.uniform(0.36, 0.46);
  const bodyRy = n * rng.uniform(0.3, 0.44);
  // Organ centres on opposite sides of the image centre.
  const phi = rng.uniform(0, 2 * Math.PI);
  const dist = n * rng.uniform(0.14, 0.2);
  const aCx = c + dist * Math.cos(phi);
  const aCy = c + dist * Math.sin(phi);
  const bCx = c - dist * Math.cos(phi);
  const bCy = c - dist * Math.sin(phi);
  const a = {
    r: n * rng.uniform(0.1, 0.15),
    e: rng.uniform(0.6, 1),
    rot: rng.uniform(0, Math.PI),
    h2: rng.uniform(0, 0.18),
    p2: rng.uniform(0, 6.3),
    h3: rng.uniform(0, 0.12),
    p3: rng.uniform(0, 6.3),
  };
  const b = {
    r: n * rng.uniform(0.08, 0.12),
    h2: rng.uniform(0, 0.25),
    p2: rng.uniform(0, 6.3),
    h4: rng.uniform(0, 0.1),
    p4: rng.uniform(0, 6.3),
  };
  // Texture: a few random low-frequency waves; bias: one very smooth wave.
  const waves = Array.from({ length: 4 }, () => ({
    fx: rng.uniform(-6, 6) / n,
    fy: rng.uniform(-6, 6) / n,
    ph: rng.uniform(0, 6.3),
    amp: rng.uniform(0.02, 0.06),
  }));
  const bias = {
    fx: rng.uniform(-1, 1) / n,
    fy: rng.uniform(-1, 1) / n,
    ph: rng.uniform(0, 6.3),
    amp: rng.uniform(0.05, 0.15),
  };
  const levels = {
    bg: rng.uniform(0.02, 0.1),
    body: rng.uniform(0.4, 0.5),
    a: rng.uniform(0.8, 0.9),
    b: rng.uniform(0.12, 0.2),
  };
  for (let y = 0; y < n; y++) {
    for (let x = 0; x < n; x++) {
      const i = x + n * y;
      let tex = 0;
      for (const w of waves) tex += w.amp * Math.sin(2 * Math.PI * (w.fx * x + w.fy * y) + w.ph);
      let v = levels.bg;
      let code = 0;
      if (((x - c) / bodyRx) ** 2 + ((y - c) / bodyRy) ** 2 <= 1) v = levels.body + tex;
      // Organ A: rotated ellipse with a radius modulated by 2nd and 3rd harmonics.
      {
        const dx = x - aCx;
        const dy = y - aCy;
        const u = dx * Math.cos(a.rot) + dy * Math.sin(a.rot);
        const w = (-dx * Math.sin(a.rot) + dy * Math.cos(a.rot)) / a.e;
        const th = Math.atan2(w, u);
        const rad = a.r * (1 + a.h2 * Math.sin(2 * th + a.p2) + a.h3 * Math.sin(3 * th + a.p3));
        if (u * u + w * w <= rad * rad) {
          v = levels.a + 0.5 * tex;
          code = 1;
        }
      }
      // Organ B: a smooth blob.
      {
        const dx = x - bCx;
        const dy = y - bCy;
        const th = Math.atan2(dy, dx);
        const rad = b.r * (1 + b.h2 * Math.sin(2 * th + b.p2) + b.h4 * Math.sin(4 * th + b.p4));
        if (code === 0 && dx * dx + dy * dy <= rad * rad) {
          v = levels.b + 0.5 * tex;
          code = 2;
        }
      }
      const gain = 1 + bias.amp * Math.sin(2 * Math.PI * (bias.fx * x + bias.fy * y) + bias.ph);
      img[i] = v * gain + cfg.noise * rng.normal();
      lab[i] = code;
    }
  }
  const id = `synthetic_${String(index).padStart(3, '0')}`;
  return { id, image: makeVolume(img, [n, n, 1]), label: makeVolume(lab, [n, n, 1]) };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
