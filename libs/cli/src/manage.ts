/**
 * Managing what the services hold, from the command line: registered models and
 * genotypes, aliases, and the search and training jobs. Thin calls over the registry,
 * search and training clients of a {@link GrpcRunner}; each returns plain rows that the
 * program prints as a table or as JSON.
 */
import { ValidationError } from '../../core/src/index.js';
import type {
  CancelSearchResponse__Output,
  CancelTrainingResponse__Output,
  DeleteAliasResponse__Output,
  ListGenotypesResponse__Output,
  ListModelsResponse__Output,
  ListSearchesResponse__Output,
  ListTrainingsResponse__Output,
  SetAliasResponse__Output,
} from '../../rpc/src/index.js';
import { unaryCall } from './grpc-calls.js';
import type { GrpcRunner } from './grpc-runner.js';

/** One registered model version. */
export interface ModelRow {
  name: string;
  version: number;
  architecture: string;
  genotype: string;
  aliases: string[];
  createdAt: string;
  /** The validation Dice the training recorded, when it did. */
  validationDice: number | null;
}

/** One search or training job. */
export interface JobRow {
  kind: 'search' | 'train';
  jobId: string;
  state: string;
  /** What it produces: `genotype name` or `model name`, with the result version once done. */
  output: string;
  createdAt: string;
  error: string;
}

/** Every page of a paged list call. */
async function allPages<T>(
  fetch: (pageToken: string) => Promise<{ items: T[]; next: string }>,
): Promise<T[]> {
  const out: T[] = [];
  let token = '';
  do {
    const page = await fetch(token);
    out.push(...page.items);
    token = page.next;
  } while (token !== '');
  return out;
}

/** Registered model versions, of one name or of all. */
export async function listModels(r: GrpcRunner, name = ''): Promise<ModelRow[]> {
  return allPages(async (pageToken) => {
    const res = await unaryCall<ListModelsResponse__Output>(
      r.registry,
      'listModels',
      { name, page: { pageSize: 100, pageToken } },
      'listing models',
    );
    return {
      next: res.nextPageToken,
      items: res.models.map((m) => {
        let dice: number | null = null;
        try {
          const metrics = JSON.parse(m.metricsJson || '{}') as Record<string, unknown>;
          const v = metrics['best_validation_dice'] ?? metrics['validation_dice'];
          dice = typeof v === 'number' ? v : null;
        } catch {
          dice = null;
        }
        return {
          name: m.name,
          version: m.version,
          architecture: m.architecture,
          genotype: m.genotype ? `${m.genotype.name}:${m.genotype.version}` : '-',
          aliases: [...m.aliases],
          createdAt: m.createdAt,
          validationDice: dice,
        };
      }),
    };
  });
}

/** Registered genotype versions. */
export async function listGenotypes(
  r: GrpcRunner,
): Promise<Array<{ name: string; version: number; createdAt: string }>> {
  return allPages(async (pageToken) => {
    const res = await unaryCall<ListGenotypesResponse__Output>(
      r.registry,
      'listGenotypes',
      { name: '', page: { pageSize: 100, pageToken } },
      'listing genotypes',
    );
    return {
      next: res.nextPageToken,
      items: res.genotypes.map((g) => ({ name: g.name, version: g.version, createdAt: g.createdAt })),
    };
  });
}

/** Points `alias` of model `name` at `version`; returns the version it pointed at before (0 = none). */
export async function setAlias(r: GrpcRunner, name: string, alias: string, version: number): Promise<number> {
  const res = await unaryCall<SetAliasResponse__Output>(
    r.registry,
    'setAlias',
    { name, alias, version },
    `setting alias ${name}@${alias}`,
  );
  return res.previousVersion;
}

/** Removes `alias` of model `name`; returns the version it pointed at. */
export async function removeAlias(r: GrpcRunner, name: string, alias: string): Promise<number> {
  const res = await unaryCall<DeleteAliasResponse__Output>(
    r.registry,
    'deleteAlias',
    { name, alias },
    `removing alias ${name}@${alias}`,
  );
  return res.previousVersion;
}

/** Every job of one list RPC (`listSearches` / `listTrainings`), as rows. */
async function jobsOf<J extends { jobId: string; state: string; createdAt: string; errorMessage: string }>(
  client: GrpcRunner['search_'] | GrpcRunner['training'],
  method: string,
  kind: JobRow['kind'],
  output: (j: J) => string,
): Promise<JobRow[]> {
  return allPages(async (pageToken) => {
    const res = await unaryCall<{ jobs: J[]; nextPageToken: string }>(
      client,
      method,
      { page: { pageSize: 100, pageToken } },
      `listing ${kind} jobs`,
    );
    return {
      next: res.nextPageToken,
      items: res.jobs.map((j) => ({
        kind,
        jobId: j.jobId,
        state: j.state,
        output: output(j),
        createdAt: j.createdAt,
        error: j.errorMessage,
      })),
    };
  });
}

/** Search and training jobs, newest first within each kind. */
export async function listJobs(r: GrpcRunner, kinds: Array<'search' | 'train'>): Promise<JobRow[]> {
  const rows: JobRow[] = [];
  if (kinds.includes('search')) {
    rows.push(
      ...(await jobsOf<ListSearchesResponse__Output['jobs'][number]>(
        r.search_,
        'listSearches',
        'search',
        (j) => `genotype ${j.genotypeName}${j.resultGenotype ? `:${j.resultGenotype.version}` : ''}`,
      )),
    );
  }
  if (kinds.includes('train')) {
    rows.push(
      ...(await jobsOf<ListTrainingsResponse__Output['jobs'][number]>(
        r.training,
        'listTrainings',
        'train',
        (j) => `model ${j.modelName}${j.resultModel ? `:${j.resultModel.version}` : ''}`,
      )),
    );
  }
  return rows;
}

/** Cancels a search or training job; returns its state afterwards. */
export async function cancelJob(r: GrpcRunner, kind: 'search' | 'train', jobId: string): Promise<string> {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(jobId)) throw new ValidationError(`job id ${jobId}: not a job id`);
  if (kind === 'search') {
    const res = await unaryCall<CancelSearchResponse__Output>(
      r.search_,
      'cancelSearch',
      { jobId },
      `cancelling ${jobId}`,
    );
    return res.job?.state ?? 'unknown';
  }
  const res = await unaryCall<CancelTrainingResponse__Output>(
    r.training,
    'cancelTraining',
    { jobId },
    `cancelling ${jobId}`,
  );
  return res.job?.state ?? 'unknown';
}

/** Rows as an aligned plain-text table with a header. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}
