/**
 * The contracts other libs (engine, services) program against. Implementations live in
 * this lib; this file holds types only.
 */
import type { Tensor4D, Variable } from '../../tensor/src/index.js';

/** A genotype: the cells a search found. Plain JSON, validated by `GenotypeSchema`. */
export interface Genotype {
  /** Format version of this JSON document. */
  version: 1;
  /** Number of intermediate nodes M per cell. */
  nodes: number;
  /** DownSC: 2 (op, input) pairs per node, node-major; input 0 = s0, 1 = s1, 2.. = nodes. */
  down: Array<[string, number]>;
  /** UpSC: same layout as `down`. */
  up: Array<[string, number]>;
}

/** Any segmentation network: logits `[N, H, W, nClasses]` for input `[N, H, W, Cin]`. */
export interface SegmentationNet {
  /** Forward pass. `training` only matters for ops that behave differently when training. */
  apply(x: Tensor4D, training: boolean): Tensor4D;
  /** Trainable weights (never the architecture parameters). */
  weightParams(): Variable[];
  /** Number of scalar trainable weights. */
  parameterCount(): number;
  /** Releases every variable. */
  dispose(): void;
}

/** The search supernet: adds the three alpha matrices, disjoint from the weights. */
export interface SearchNet extends SegmentationNet {
  /** `[alphaDown (E x 6), alphaUp (E x 4), alphaNormal (E x 7)]`. */
  archParams(): Variable[];
  /** Derives the discrete genotype from the current alphas (spec section 4). */
  deriveGenotype(): Genotype;
  /** The mixed ops' weights per alpha matrix `[down, up, normal]` (softmax rows; excluded ops 0). */
  softmaxAlphas(): number[][][];
}

/** A parameter with its stable path name (the key in saved weight files). */
export interface NamedWeight {
  readonly name: string;
  readonly variable: Variable;
}

/** A network whose weights have stable names, so they can be saved and loaded by name. */
export interface NamedWeightsNet extends SegmentationNet {
  /** Trainable weights with their names, in a fixed order (never the alphas). */
  namedWeights(): NamedWeight[];
}

/** A search supernet with named weights and named alphas (for checkpoints). */
export interface NamedSearchNet extends SearchNet, NamedWeightsNet {
  /** `alpha_down`, `alpha_up`, `alpha_normal` with their variables. */
  namedArchParams(): NamedWeight[];
}
