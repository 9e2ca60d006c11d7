/**
 * The primitive operation sets of NAS-Unet (spec section 1) and the op registry. Keys are
 * stable data stored verbatim in genotype JSON: never rename one. Each `OP_NAMES` tuple is
 * ordered; an op's index in its tuple is its column in the matching alpha matrix.
 */
import { UnknownOpError } from '../../core/src/errors.js';
import type { Layer } from './layers.js';
import type { ParamScope } from './params.js';

/** Down (stride 2) ops; index = column of `alphaDown`. */
export const DOWN_OPS = [
  'avg_pool',
  'max_pool',
  'down_cweight',
  'down_dil_conv',
  'down_dep_conv',
  'down_conv',
] as const;
/** Up (x2) ops; index = column of `alphaUp`. */
export const UP_OPS = ['up_cweight', 'up_dep_conv', 'up_conv', 'up_dil_conv'] as const;
/** Normal (stride 1) ops; index = column of `alphaNormal`. `none` is search-only. */
export const NORMAL_OPS = [
  'identity',
  'none',
  'cweight',
  'dil_conv',
  'dep_conv',
  'shuffle_conv',
  'conv',
] as const;

/** The three op sets by name. */
export const OP_NAMES = { down: DOWN_OPS, up: UP_OPS, normal: NORMAL_OPS } as const;

/** Which set an op belongs to: down halves H and W, up doubles them, normal keeps them. */
export type OpSet = keyof typeof OP_NAMES;
export type DownOp = (typeof DOWN_OPS)[number];
export type UpOp = (typeof UP_OPS)[number];
export type NormalOp = (typeof NORMAL_OPS)[number];
export type OpName = DownOp | UpOp | NormalOp;

/** Every op key, in set order down, up, normal. */
export const ALL_OPS: readonly OpName[] = [...DOWN_OPS, ...UP_OPS, ...NORMAL_OPS];

/**
 * Builds one op for `channels` channels (C in = C out). `affine` switches GroupNorm scale
 * and shift on (derived net) or off (search supernet). Parameters are created under `scope`.
 */
export type OpFactory = (scope: ParamScope, channels: number, affine: boolean) => Layer;

const FACTORIES = new Map<OpName, OpFactory>();

/** Registers an op factory under its spec key (called by each op family module on load). */
export function registerOp(key: OpName, factory: OpFactory): void {
  FACTORIES.set(key, factory);
}

/** True if `key` is one of the 17 op keys. */
export function isOpName(key: string): key is OpName {
  return (ALL_OPS as readonly string[]).includes(key);
}

/** The set an op key belongs to; throws `UnknownOpError` listing the valid keys. */
export function opSetOf(key: string): OpSet {
  if ((DOWN_OPS as readonly string[]).includes(key)) return 'down';
  if ((UP_OPS as readonly string[]).includes(key)) return 'up';
  if ((NORMAL_OPS as readonly string[]).includes(key)) return 'normal';
  throw new UnknownOpError(`unknown op '${key}'; valid ops: ${ALL_OPS.join(', ')}`);
}

/** Keys registered so far (all 17 once `ops/all.js` is loaded). */
export function registeredOps(): OpName[] {
  return [...FACTORIES.keys()];
}

/**
 * Builds the op `key`. Throws `UnknownOpError` (listing valid keys) for an unknown key.
 * Down ops map `[N, H, W, C] -> [N, H/2, W/2, C]`, up ops `-> [N, 2H, 2W, C]`, normal
 * ops keep the shape.
 */
export function createOp(key: string, scope: ParamScope, channels: number, affine: boolean): Layer {
  opSetOf(key);
  const factory = FACTORIES.get(key as OpName);
  if (factory === undefined)
    throw new UnknownOpError(`op '${key}' is not registered; registered: ${registeredOps().join(', ')}`);
  return factory(scope, channels, affine);
}
