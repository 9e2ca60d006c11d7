/**
 * One entry point for every dataset source.
 */
import { ValidationError } from '../../core/src/index.js';
import { loadFolderDataset } from './load-folder.js';
import { generateSyntheticDataset, SYNTHETIC_DEFAULTS, type SyntheticConfig } from './synthetic.js';
import type { Dataset, LoadOptions } from './types.js';

/** Where a dataset comes from: a folder (layout auto-detected) or the built-in synthetic set. */
export type DatasetSource =
  { kind: 'folder'; path: string } | ({ kind: 'synthetic' } & Partial<SyntheticConfig>);

/**
 * Parses a command-line dataset reference: `synthetic`, `synthetic:count=24,size=64,seed=1,noise=0.1`,
 * or a folder path.
 * @throws ValidationError naming the bad key or value.
 */
export function parseDatasetRef(ref: string): DatasetSource {
  const s = ref.trim();
  if (s === '') throw new ValidationError('dataset reference is empty');
  if (s === 'synthetic' || s.startsWith('synthetic:')) {
    const out: { kind: 'synthetic' } & Partial<SyntheticConfig> = { kind: 'synthetic' };
    const rest = s.slice('synthetic'.length + 1);
    if (rest) {
      for (const kv of rest.split(',')) {
        const [k, v] = kv.split('=');
        if (k !== 'count' && k !== 'size' && k !== 'seed' && k !== 'noise') {
          throw new ValidationError(`unknown synthetic option '${k}' (use count, size, seed, noise)`);
        }
        const num = Number(v);
        if (v === undefined || v === '' || !Number.isFinite(num))
          throw new ValidationError(`synthetic option ${k} needs a number, got '${v}'`);
        out[k] = num;
      }
    }
    return out;
  }
  return { kind: 'folder', path: s };
}

/**
 * Loads a dataset from a source (or a reference string, see {@link parseDatasetRef}).
 * Folder loading follows {@link LoadOptions} (`onBadCase`, `maxCases`, `requireLabels`);
 * synthetic generation ignores them except `maxCases`, which caps `count`.
 */
export async function loadDataset(
  source: DatasetSource | string,
  options: LoadOptions = {},
): Promise<Dataset> {
  const src = typeof source === 'string' ? parseDatasetRef(source) : source;
  if (src.kind === 'synthetic') {
    const cfg: Partial<SyntheticConfig> = {};
    for (const k of ['count', 'size', 'seed', 'noise'] as const) if (src[k] !== undefined) cfg[k] = src[k];
    if (options.maxCases !== undefined)
      cfg.count = Math.min(cfg.count ?? SYNTHETIC_DEFAULTS.count, options.maxCases);
    return generateSyntheticDataset(cfg);
  }
  if (src.kind === 'folder') return loadFolderDataset(src.path, options);
  throw new ValidationError(`unknown dataset source kind '${(src as { kind: string }).kind}'`);
}
