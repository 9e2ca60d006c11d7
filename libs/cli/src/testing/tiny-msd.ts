/**
 * A tiny MSD-style dataset folder for CLI tests: four 16x16x2 NIfTI cases with two
 * foreground classes (two boxes side by side) and a `dataset.json`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeNifti, makeVolume } from '../../../data/src/index.js';

/**
 * Writes the cases under `root` (imagesTr/, labelsTr/) and `dataset.json` holding
 * `json` plus the case list; returns `root`.
 */
export function writeTinyMsd(root: string, json: { name: string; labels: Record<string, string> }): string {
  mkdirSync(join(root, 'imagesTr'), { recursive: true });
  mkdirSync(join(root, 'labelsTr'), { recursive: true });
  const [X, Y, Z] = [16, 16, 2];
  const training = [];
  for (let c = 0; c < 4; c++) {
    const label = Float32Array.from({ length: X * Y * Z }, (_, i) => {
      const [x, y] = [i % X, Math.floor(i / X) % Y];
      return y > 4 && y < 12 ? (x > 3 && x < 8 ? 1 : x > 9 && x < 14 ? 2 : 0) : 0;
    });
    const image = label.map((k, i) => k * 10 + ((i * 7 + c) % 5));
    writeFileSync(
      join(root, 'imagesTr', `case${c}.nii.gz`),
      encodeNifti(makeVolume(image, [X, Y, Z]), 'float32', true),
    );
    writeFileSync(
      join(root, 'labelsTr', `case${c}.nii.gz`),
      encodeNifti(makeVolume(label, [X, Y, Z]), 'uint8', true),
    );
    training.push({ image: `./imagesTr/case${c}.nii.gz`, label: `./labelsTr/case${c}.nii.gz` });
  }
  writeFileSync(join(root, 'dataset.json'), JSON.stringify({ ...json, training }));
  return root;
}
