/**
 * Managing what the services hold, from the command line: registered datasets, models
 * and genotypes, aliases and retirements, and the search and training jobs. Thin calls over the registry,
 * search and training clients of a {@link GrpcRunner}; each returns plain rows that the
 * program prints as a table or as JSON.
 */
import { ValidationError } from '../../core/src/index.js';
import type {
  CancelSearchResponse__Output,
  CancelTrainingResponse__Output,
  DeleteAliasResponse__Output,
  ListAuditEventsResponse__Output,
  ListDatasetsResponse__Output,
  ListGenotypesResponse__Output,
  ListModelsResponse__Output,
  ListSearchesResponse__Output,
  ListTrainingsResponse__Output,
  Model__Output,
  RetireModelResponse__Output,
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
  /** Retired versions are served only when named by number. */
  retired: boolean;
}

/** One registered dataset. */
export interface DatasetRow {
  name: string;
  layout: string;
  caseCount: number;
  classNames: string[];
  fileCount: number;
  sizeBytes: number;
  /** "sha256:..." of the manifest. */
  digest: string;
  /** "registry" for uploaded files, else the file:// URI. */
  uri: string;
  createdAt: string;
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

/** A JSON object field of a record (metrics, config); {} when empty or not an object. */
export function jsonObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text || '{}');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The validation Dice a training recorded in a model's metrics, or null. */
function validationDiceOf(m: Model__Output): number | null {
  const metrics = jsonObject(m.metricsJson);
  const v = metrics['best_validation_dice'] ?? metrics['validation_dice'];
  return typeof v === 'number' ? v : null;
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
      items: res.models.map((m) => ({
        name: m.name,
        version: m.version,
        architecture: m.architecture,
        genotype: m.genotype ? `${m.genotype.name}:${m.genotype.version}` : '-',
        aliases: [...m.aliases],
        createdAt: m.createdAt,
        validationDice: validationDiceOf(m),
        retired: m.retired,
      })),
    };
  });
}

/** Registered datasets, by name. */
export async function listDatasets(r: GrpcRunner): Promise<DatasetRow[]> {
  return allPages(async (pageToken) => {
    const res = await unaryCall<ListDatasetsResponse__Output>(
      r.registry,
      'listDatasets',
      { page: { pageSize: 100, pageToken } },
      'listing datasets',
    );
    return {
      next: res.nextPageToken,
      items: res.datasets.map((d) => ({
        name: d.name,
        layout: d.layout.replace(/^DATASET_LAYOUT_/, '').toLowerCase(),
        caseCount: d.caseCount,
        classNames: [...d.classNames],
        fileCount: d.fileCount,
        sizeBytes: Number(d.sizeBytes),
        digest: d.digest,
        uri: d.uri,
        createdAt: d.createdAt,
      })),
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

/**
 * Retires version `version` of model `name` (served afterwards only when named by number);
 * `alreadyRetired` when it was before, with its first time and reason.
 */
export async function retireModel(
  r: GrpcRunner,
  name: string,
  version: number,
  reason: string,
): Promise<{ retiredAt: string; reason: string; alreadyRetired: boolean }> {
  const res = await unaryCall<RetireModelResponse__Output>(
    r.registry,
    'retireModel',
    { name, version, reason },
    `retiring ${name}:${version}`,
  );
  return {
    retiredAt: res.model?.retiredAt ?? '',
    reason: res.model?.retirementReason ?? '',
    alreadyRetired: res.alreadyRetired,
  };
}

/** One audit event: an alias move or a retirement. */
export interface AuditRow {
  time: string;
  /** Name of the caller's token; '' for changes from before callers were recorded. */
  actor: string;
  /** `set_alias`, `delete_alias` or `retire_model`. */
  action: string;
  model: string;
  /** What changed, e.g. `@production 2 -> 3`, `@staging removed (was 1)`, `version 2 retired`. */
  change: string;
  reason: string;
}

/** The audit trail of model `name` (or of all models), newest first. */
export async function listAuditEvents(r: GrpcRunner, name = ''): Promise<AuditRow[]> {
  return allPages(async (pageToken) => {
    const res = await unaryCall<ListAuditEventsResponse__Output>(
      r.registry,
      'listAuditEvents',
      { name, page: { pageSize: 1000, pageToken } },
      'listing the audit trail',
    );
    return {
      next: res.nextPageToken,
      items: res.events.map((e) => {
        const action = e.action.replace(/^AUDIT_ACTION_/, '').toLowerCase();
        const change =
          action === 'retire_model'
            ? `version ${e.version} retired`
            : action === 'delete_alias'
              ? `@${e.alias} removed (was ${e.previousVersion})`
              : `@${e.alias} ${e.previousVersion === 0 ? 'new' : e.previousVersion} -> ${e.version}`;
        return { time: e.time, actor: e.actor, action, model: e.modelName, change, reason: e.reason };
      }),
    };
  });
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

/** Throws `ValidationError` unless `jobId` looks like a job id. */
export function checkJobId(jobId: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(jobId)) throw new ValidationError(`job id ${jobId}: not a job id`);
  return jobId;
}

/** Cancels a search or training job; returns its state afterwards. */
export async function cancelJob(r: GrpcRunner, kind: 'search' | 'train', jobId: string): Promise<string> {
  checkJobId(jobId);
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
