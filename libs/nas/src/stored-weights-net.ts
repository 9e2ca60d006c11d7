/**
 * Common base of the networks whose trainable weights live in one {@link ParamStore}:
 * the input check of `apply` and the weight accessors of {@link NamedWeightsNet}.
 */
import type { Tensor4D, Variable } from '../../tensor/src/index.js';
import { checkInputShape, type InputSizeRule } from './config.js';
import type { NamedWeight, NamedWeightsNet } from './contracts.js';
import type { ParamStore } from './params.js';

/** A network with NHWC input `[N, H, W, config.inChannels]` and its weights in one store. */
export abstract class StoredWeightsNet implements NamedWeightsNet {
  /** The validated configuration; only its input channels matter here. */
  abstract readonly config: { readonly inChannels: number };

  /** @param store holds every trainable weight (never architecture parameters). */
  protected constructor(protected readonly store: ParamStore) {}

  /** The input-size rule of the current configuration. */
  protected abstract sizeRule(): InputSizeRule;

  /** Forward pass on an input that passed the check of {@link apply}. */
  protected abstract forward(x: Tensor4D, training: boolean): Tensor4D;

  /** Input rule: H and W must be multiples of this. */
  get sizeMultiple(): number {
    return this.sizeRule().multiple;
  }

  /**
   * Logits `[N, H, W, nClasses]` for input `[N, H, W, inChannels]`; throws `ShapeError`
   * when the channels differ or H or W break the size rule.
   */
  apply(x: Tensor4D, training: boolean): Tensor4D {
    const rule = this.sizeRule();
    checkInputShape(x.shape, this.config.inChannels, rule.multiple, rule.text);
    return this.forward(x, training);
  }

  weightParams(): Variable[] {
    return this.store.list().map((p) => p.variable);
  }

  namedWeights(): NamedWeight[] {
    return this.store.list();
  }

  parameterCount(): number {
    return this.store.count();
  }

  dispose(): void {
    this.store.dispose();
  }
}
