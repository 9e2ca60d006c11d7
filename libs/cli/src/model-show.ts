/**
 * `nasunet model <ref>`: one registered model version with what the registry knows about
 * it: metrics, configuration, lineage (dataset, training job, genotype and the search that
 * found it), the genotype's cells, aliases and whether it is retired.
 */
import { NotFoundError } from '../../core/src/index.js';
import { formatGenotype, parseGenotype, type Genotype } from '../../nas/src/index.js';
import type { GetGenotypeResponse__Output, GetModelResponse__Output, ModelRef } from '../../rpc/src/index.js';
import { unaryCall } from './grpc-calls.js';
import type { GrpcRunner } from './grpc-runner.js';
import { jsonObject, listDatasets } from './manage.js';

/** Where a model version came from. */
export interface ModelLineageDetails {
  /** "sha256:..." of the training dataset; "" when unknown. */
  datasetDigest: string;
  /** Registered datasets with that digest (equal content gives equal digests). */
  datasets: string[];
  /** "" when imported. */
  trainingJobId: string;
  /** The genotype version the network was derived from; null for baselines. */
  genotype: { name: string; version: number; searchJobId: string; datasetDigest: string } | null;
}

/** One model version, as `nasunet model` prints it. */
export interface ModelDetails {
  name: string;
  version: number;
  architecture: string;
  aliases: string[];
  classNames: string[];
  createdAt: string;
  retired: boolean;
  /** "" when not retired. */
  retiredAt: string;
  retirementReason: string;
  metrics: Record<string, unknown>;
  config: Record<string, unknown>;
  lineage: ModelLineageDetails;
  /** The genotype's cells; null for baselines. */
  genotype: Genotype | null;
  artifacts: Array<{ name: string; digest: string; sizeBytes: number }>;
}

/** `name`, `name:version` or `name@alias` of a reference. */
const refText = (ref: ModelRef & { name: string }): string =>
  ref.alias !== undefined
    ? `${ref.name}@${ref.alias}`
    : ref.version
      ? `${ref.name}:${ref.version}`
      : ref.name;

/** Reads the model version `ref` names, its genotype and the datasets of its lineage. */
export async function showModel(r: GrpcRunner, ref: ModelRef & { name: string }): Promise<ModelDetails> {
  const { model: m } = await unaryCall<GetModelResponse__Output>(
    r.registry,
    'getModel',
    { model: ref },
    `reading model ${refText(ref)}`,
  );
  if (!m) throw new NotFoundError(`model ${refText(ref)} not found`);
  let genotype: Genotype | null = null;
  let genotypeLineage: ModelLineageDetails['genotype'] = null;
  if (m.genotype) {
    const { genotype: g } = await unaryCall<GetGenotypeResponse__Output>(
      r.registry,
      'getGenotype',
      { genotype: m.genotype },
      `reading genotype ${m.genotype.name}:${m.genotype.version}`,
    );
    if (!g) throw new NotFoundError(`genotype ${m.genotype.name}:${m.genotype.version} not found`);
    genotype = parseGenotype(JSON.parse(g.genotypeJson));
    genotypeLineage = {
      name: g.name,
      version: g.version,
      searchJobId: g.lineage?.searchJobId ?? '',
      datasetDigest: g.lineage?.datasetDigest ?? '',
    };
  }
  const datasetDigest = m.lineage?.datasetDigest ?? '';
  const datasets = datasetDigest
    ? (await listDatasets(r)).filter((d) => d.digest === datasetDigest).map((d) => d.name)
    : [];
  return {
    name: m.name,
    version: m.version,
    architecture: m.architecture,
    aliases: [...m.aliases],
    classNames: [...m.classNames],
    createdAt: m.createdAt,
    retired: m.retired,
    retiredAt: m.retiredAt,
    retirementReason: m.retirementReason,
    metrics: jsonObject(m.metricsJson),
    config: jsonObject(m.configJson),
    lineage: {
      datasetDigest,
      datasets,
      trainingJobId: m.lineage?.trainingJobId ?? '',
      genotype: genotypeLineage,
    },
    genotype,
    artifacts: m.artifacts.map((a) => ({ name: a.name, digest: a.digest, sizeBytes: Number(a.sizeBytes) })),
  };
}

/** A metric or config value: numbers with at most 4 decimals, the rest as JSON. */
const valueText = (v: unknown): string =>
  typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(4) : JSON.stringify(v);

/** `key  value` lines, indented by two spaces, the values aligned. */
function pairs(rows: Array<[string, string]>): string {
  if (rows.length === 0) return '  -\n';
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`.trimEnd() + '\n').join('');
}

/** The details as sections of aligned `key  value` lines. */
export function formatModelDetails(d: ModelDetails): string {
  const state = d.retired
    ? `retired ${d.retiredAt}${d.retirementReason ? ` (${d.retirementReason})` : ''}; served only as ${d.name}:${d.version}`
    : 'active';
  const l = d.lineage;
  const dataset = l.datasetDigest
    ? `${l.datasets.length > 0 ? `${l.datasets.join(', ')} ` : ''}(${l.datasetDigest})`
    : '-';
  const genotypeRef = l.genotype
    ? `${l.genotype.name}:${l.genotype.version}` +
      (l.genotype.searchJobId ? ` (search job ${l.genotype.searchJobId})` : '')
    : '-';
  const cells = d.genotype ? formatGenotype(d.genotype) : null;
  const sections: Array<[string, Array<[string, string]>]> = [
    [
      `model ${d.name}:${d.version}`,
      [
        ['state', state],
        ['aliases', d.aliases.join(', ') || '-'],
        ['architecture', d.architecture],
        ['classes', d.classNames.join(', ')],
        ['created', d.createdAt],
      ],
    ],
    ['metrics', Object.entries(d.metrics).map(([k, v]) => [k, valueText(v)])],
    ['config', Object.entries(d.config).map(([k, v]) => [k, valueText(v)])],
    [
      'lineage',
      [
        ['dataset', dataset],
        ['training job', l.trainingJobId || '-'],
        ['genotype', genotypeRef],
      ],
    ],
    [
      'genotype',
      cells
        ? [
            ['nodes', String(d.genotype!.nodes)],
            ['down', cells.down],
            ['up', cells.up],
          ]
        : [['-', 'none (baseline architecture)']],
    ],
    ['artifacts', d.artifacts.map((a) => [a.name, `${a.digest}  ${a.sizeBytes} B`])],
  ];
  return sections.map(([title, rows]) => `${title}\n${pairs(rows)}`).join('');
}
