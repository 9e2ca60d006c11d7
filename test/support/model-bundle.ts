/** An untrained tiny U-Net bundle for the synthetic classes, as registry artifacts. */
import { UNET_PRESETS, UNet, createModelBundle, type Preprocessing } from '../../libs/nas/src/index.js';
import { initBackend } from '../../libs/tensor/src/index.js';

const CLASSES: Preprocessing['classes'] = [
  { code: 0, name: 'background' },
  { code: 1, name: 'organ_bright' },
  { code: 2, name: 'organ_dark' },
];

/** Artifacts (`manifest.json`, `weights.bin`) of a tiny U-Net for `size` x `size` slices and 3 classes. */
export async function tinyBundle(
  size: number,
  classes: Preprocessing['classes'] = CLASSES,
): Promise<Map<string, Uint8Array>> {
  await initBackend({ backend: 'cpu' });
  const config = { ...UNET_PRESETS.tiny, nClasses: 3 };
  const net = new UNet(config, { seed: 1 });
  const bundle = createModelBundle(net, {
    architecture: { key: 'unet', config },
    genotype: null,
    preprocessing: {
      inputChannels: 1,
      sliceAxis: 2,
      orientation: 'as-stored',
      spacingMm: null,
      normalization: { kind: 'zscore' },
      padMultiple: 4,
      inputSize: [size, size],
      classes,
    },
  });
  net.dispose();
  return new Map([
    ['manifest.json', Buffer.from(JSON.stringify(bundle.manifest), 'utf8')],
    ['weights.bin', bundle.weights],
  ]);
}
