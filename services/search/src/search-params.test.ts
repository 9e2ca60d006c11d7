import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ValidationError } from '../../../libs/core/src/index.js';
import type { SearchSpace__Output, StartSearchRequest__Output } from '../../../libs/rpc/src/index.js';
import { parseSeeds, parseStartSearch } from './search-params.js';

function space(over: Partial<SearchSpace__Output> = {}): SearchSpace__Output {
  return {
    preset: 'SEARCH_SPACE_PRESET_TINY',
    initChannels: 0,
    depth: 0,
    nodes: 0,
    excludedOps: [],
    allOps: false,
    ...over,
  };
}

function request(over: Partial<StartSearchRequest__Output> = {}): StartSearchRequest__Output {
  return {
    dataset: { name: 'prostate', digest: '' },
    searchSpace: space(),
    budget: { maxEpochs: 4, maxSteps: 0, maxSeconds: 0 },
    seed: 3,
    genotypeName: 'prostate-cells',
    hyperParameters: null,
    seeds: [],
    ...over,
  };
}

/** Every knob at 0: the defaults. */
const hyper0 = {
  batchSize: 0,
  imageSize: 0,
  warmupEpochs: 0,
  patience: 0,
  maxCases: 0,
  alphaLearningRate: 0,
};

test('a preset is expanded and explicit fields override it; defaults are filled in', () => {
  const p = parseStartSearch(request({ searchSpace: space({ initChannels: 6 }) }));
  assert.deepEqual(p.space, {
    preset: 'SEARCH_SPACE_PRESET_TINY',
    initChannels: 6,
    depth: 2,
    nodes: 2,
    excludedOps: ['up_dil_conv'],
  });
  assert.deepEqual(p.hyper, {
    batchSize: 2,
    imageSize: 64,
    warmupEpochs: 2,
    patience: 40,
    maxCases: 0,
    alphaLearningRate: 3e-4,
  });
  assert.equal(p.seed, 3);
  const fast = parseStartSearch(request({ hyperParameters: { ...hyper0, alphaLearningRate: 3e-3 } }));
  assert.equal(fast.hyper.alphaLearningRate, 3e-3);
});

test("the candidate ops: recommended by default, every op with all_ops, or the request's own list", () => {
  assert.deepEqual(parseStartSearch(request()).space.excludedOps, ['up_dil_conv']);
  assert.deepEqual(parseStartSearch(request({ searchSpace: space({ allOps: true }) })).space.excludedOps, []);
  assert.deepEqual(
    parseStartSearch(request({ searchSpace: space({ excludedOps: ['max_pool', 'none'] }) })).space
      .excludedOps,
    ['max_pool', 'none'],
  );
});

test('bad requests name the offending field', () => {
  const cases: Array<[Partial<StartSearchRequest__Output>, RegExp]> = [
    [{ budget: { maxEpochs: 0, maxSteps: 0, maxSeconds: 0 } }, /^budget: at least one/],
    [{ genotypeName: 'Bad Name' }, /^genotypeName: /],
    [{ dataset: { name: '', digest: '' } }, /^dataset\.name: /],
    [
      { searchSpace: space({ preset: 'SEARCH_SPACE_PRESET_UNSPECIFIED', initChannels: 4, nodes: 2 }) },
      /^search_space\.depth: is required/,
    ],
    [
      { searchSpace: space({ excludedOps: ['up_dil_conv', 'up_dill'] }) },
      /^search_space\.excluded_ops: unknown op 'up_dill'; valid: /,
    ],
    [
      { searchSpace: space({ excludedOps: ['up_cweight', 'up_dep_conv', 'up_conv', 'up_dil_conv'] }) },
      /^search_space\.excluded_ops: excludes every up op/,
    ],
    [
      { searchSpace: space({ excludedOps: ['max_pool'], allOps: true }) },
      /^search_space\.excluded_ops: must be empty when all_ops is set/,
    ],
    [
      { hyperParameters: { ...hyper0, batchSize: 2, imageSize: 36 } },
      /^hyper_parameters\.image_size: must be a multiple of 2\^\(depth\+1\) = 8, got 36/,
    ],
    [
      { hyperParameters: { ...hyper0, maxCases: 1 } },
      /^hyperParameters\.maxCases: must be 0 \(every case\) or at least 2/,
    ],
    [
      { hyperParameters: { ...hyper0, alphaLearningRate: 2 } },
      /^hyperParameters\.alphaLearningRate: must be 0 \(default\) or in \(0, 1\]/,
    ],
    [{ dataset: null }, /^dataset: is required/],
  ];
  for (const [over, message] of cases) {
    assert.throws(
      () => parseStartSearch(request(over)),
      (err: unknown) => err instanceof ValidationError && message.test(err.message),
    );
  }
});

test('a multi-seed search takes 2..16 distinct seeds with seed 0; none is a single-seed search', () => {
  assert.equal(parseSeeds(request()), undefined);
  assert.deepEqual(parseSeeds(request({ seed: 0, seeds: [5, 1, 9] })), [5, 1, 9]);
  const cases: Array<[Partial<StartSearchRequest__Output>, RegExp]> = [
    [{ seed: 0, seeds: [4] }, /^seeds: a multi-seed search takes 2\.\.16 seeds, got 1/],
    [{ seed: 0, seeds: Array.from({ length: 17 }, (_, i) => i) }, /^seeds: .* got 17/],
    [{ seed: 0, seeds: [2, 2] }, /^seeds: must be distinct/],
    [{ seed: 3, seeds: [1, 2] }, /^seed: must be 0 when seeds are given/],
  ];
  for (const [over, message] of cases) {
    assert.throws(
      () => parseSeeds(request(over)),
      (err: unknown) => err instanceof ValidationError && message.test(err.message),
    );
  }
});
