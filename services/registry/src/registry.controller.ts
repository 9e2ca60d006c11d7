/**
 * gRPC handlers of nasunet.v1.ModelRegistryService: each maps the request, calls
 * `ModelRegistry` once and maps the result. Errors are domain errors, turned into status
 * codes by the global GrpcErrorFilter.
 */
import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import type { Metadata } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import { ValidationError } from '../../../libs/core/src/index.js';
import {
  DEFAULT_CHUNK_BYTES,
  asyncIterableToObservable,
  callerOf,
  fromClientStream,
  headAndRest,
  type CreateGenotypeRequest__Output,
  type CreateGenotypeResponse,
  type DeleteAliasRequest__Output,
  type DeleteAliasResponse,
  type DownloadDatasetRequest__Output,
  type DownloadDatasetResponse,
  type DownloadModelRequest__Output,
  type DownloadModelResponse,
  type GetDatasetRequest__Output,
  type GetDatasetResponse,
  type GetGenotypeRequest__Output,
  type GetGenotypeResponse,
  type GetModelRequest__Output,
  type GetModelResponse,
  type ListAuditEventsRequest__Output,
  type ListAuditEventsResponse,
  type ListDatasetsRequest__Output,
  type ListDatasetsResponse,
  type ListGenotypesRequest__Output,
  type ListGenotypesResponse,
  type ListModelsRequest__Output,
  type ListModelsResponse,
  type RegisterDatasetRequest__Output,
  type RegisterDatasetResponse,
  type RegisterDatasetUriRequest__Output,
  type RegisterDatasetUriResponse,
  type RetireModelRequest__Output,
  type RetireModelResponse,
  type SetAliasRequest__Output,
  type SetAliasResponse,
  type UploadModelRequest__Output,
  type UploadModelResponse,
} from '../../../libs/rpc/src/index.js';
import { ModelRegistry, type ArtifactPiece, type FilePiece } from '../../../libs/registry-store/src/index.js';
import * as map from './mappers.js';
import { checkAlive, type ServedCall } from '../../common/src/call-liveness.js';

const SERVICE = 'ModelRegistryService';

async function* filePieces(rest: AsyncIterable<RegisterDatasetRequest__Output>): AsyncGenerator<FilePiece> {
  for await (const m of rest) {
    if (m.part !== 'file' || !m.file)
      throw new ValidationError(
        'only the first RegisterDataset message may carry metadata; later ones carry file chunks',
      );
    yield { relativePath: m.file.relativePath, data: m.file.data };
  }
}

async function* artifactPieces(
  rest: AsyncIterable<UploadModelRequest__Output>,
): AsyncGenerator<ArtifactPiece> {
  for await (const m of rest) {
    if (m.part !== 'chunk' || !m.chunk)
      throw new ValidationError(
        'only the first UploadModel message may carry metadata; later ones carry artifact chunks',
      );
    yield { artifactName: m.chunk.artifactName, data: m.chunk.data };
  }
}

@Controller()
export class RegistryController {
  constructor(@Inject(ModelRegistry) private readonly registry: ModelRegistry) {}

  @GrpcStreamMethod(SERVICE, 'RegisterDataset')
  registerDataset(
    messages: Observable<RegisterDatasetRequest__Output>,
    _metadata: Metadata,
    call: Required<ServedCall>,
  ): Observable<RegisterDatasetResponse> {
    return fromClientStream(
      messages,
      async (requests) => {
        const { head, rest } = await headAndRest(requests);
        if (head?.part !== 'metadata')
          throw new ValidationError('the first RegisterDataset message must carry metadata');
        return {
          dataset: map.fromDataset(
            await this.registry.registerDataset(map.toDatasetMetadata(head.metadata), filePieces(rest), () =>
              checkAlive(call),
            ),
          ),
        };
      },
      call,
    );
  }

  @GrpcMethod(SERVICE, 'RegisterDatasetUri')
  async registerDatasetUri(req: RegisterDatasetUriRequest__Output): Promise<RegisterDatasetUriResponse> {
    return {
      dataset: map.fromDataset(
        await this.registry.registerDatasetUri(map.toDatasetMetadata(req.metadata), req.uri),
      ),
    };
  }

  @GrpcMethod(SERVICE, 'GetDataset')
  async getDataset(req: GetDatasetRequest__Output): Promise<GetDatasetResponse> {
    const { dataset, files } = await this.registry.getDataset(req.name);
    return { dataset: map.fromDataset(dataset), files: files.map(map.fromDatasetFile) };
  }

  @GrpcMethod(SERVICE, 'ListDatasets')
  async listDatasets(req: ListDatasetsRequest__Output): Promise<ListDatasetsResponse> {
    const page = await this.registry.listDatasets(map.toPageQuery(req.page));
    return { datasets: page.items.map(map.fromDataset), nextPageToken: map.toPageToken(page.nextOffset) };
  }

  @GrpcMethod(SERVICE, 'DownloadDataset')
  downloadDataset(req: DownloadDatasetRequest__Output): Observable<DownloadDatasetResponse> {
    const registry = this.registry;
    return asyncIterableToObservable(
      (async function* (): AsyncGenerator<DownloadDatasetResponse> {
        yield { dataset: map.fromDataset((await registry.getDataset(req.name)).dataset) };
        for await (const p of registry.readDataset(req.name, DEFAULT_CHUNK_BYTES))
          yield { file: { relativePath: p.relativePath, data: p.data } };
      })(),
    );
  }

  @GrpcMethod(SERVICE, 'CreateGenotype')
  async createGenotype(req: CreateGenotypeRequest__Output): Promise<CreateGenotypeResponse> {
    const lineage = {
      datasetDigest: req.lineage?.datasetDigest ?? '',
      searchJobId: req.lineage?.searchJobId ?? '',
    };
    const g = await this.registry.createGenotype({
      name: req.name,
      genotypeJson: req.genotypeJson,
      lineage,
      alphaHistoryJson: req.alphaHistoryJson,
    });
    return { genotype: map.fromGenotype(g) };
  }

  @GrpcMethod(SERVICE, 'GetGenotype')
  async getGenotype(req: GetGenotypeRequest__Output): Promise<GetGenotypeResponse> {
    if (!req.genotype) throw new ValidationError('genotype is required');
    const { genotype, alphaHistoryJson } = await this.registry.getGenotype(
      req.genotype.name,
      req.genotype.version,
    );
    return { genotype: map.fromGenotype(genotype, alphaHistoryJson) };
  }

  @GrpcMethod(SERVICE, 'ListGenotypes')
  async listGenotypes(req: ListGenotypesRequest__Output): Promise<ListGenotypesResponse> {
    const page = await this.registry.listGenotypes(req.name || undefined, map.toPageQuery(req.page));
    return {
      genotypes: page.items.map((g) => map.fromGenotype(g)),
      nextPageToken: map.toPageToken(page.nextOffset),
    };
  }

  @GrpcStreamMethod(SERVICE, 'UploadModel')
  uploadModel(
    messages: Observable<UploadModelRequest__Output>,
    _metadata: Metadata,
    call: Required<ServedCall>,
  ): Observable<UploadModelResponse> {
    return fromClientStream(
      messages,
      async (requests) => {
        const { head, rest } = await headAndRest(requests);
        if (head?.part !== 'metadata')
          throw new ValidationError('the first UploadModel message must carry metadata');
        return {
          model: map.fromModel(
            await this.registry.uploadModel(map.toModelMetadata(head.metadata), artifactPieces(rest), () =>
              checkAlive(call),
            ),
          ),
        };
      },
      call,
    );
  }

  @GrpcMethod(SERVICE, 'DownloadModel')
  downloadModel(req: DownloadModelRequest__Output): Observable<DownloadModelResponse> {
    const registry = this.registry;
    return asyncIterableToObservable(
      (async function* (): AsyncGenerator<DownloadModelResponse> {
        const { model, pieces } = await registry.downloadModel(
          map.toModelSelector(req.model),
          req.artifactName,
          DEFAULT_CHUNK_BYTES,
        );
        yield { model: map.fromModel(model) };
        for await (const p of pieces) yield { chunk: { artifactName: p.artifactName, data: p.data } };
      })(),
    );
  }

  @GrpcMethod(SERVICE, 'GetModel')
  async getModel(req: GetModelRequest__Output): Promise<GetModelResponse> {
    return { model: map.fromModel(await this.registry.getModel(map.toModelSelector(req.model))) };
  }

  @GrpcMethod(SERVICE, 'ListModels')
  async listModels(req: ListModelsRequest__Output): Promise<ListModelsResponse> {
    const page = await this.registry.listModels(req.name || undefined, map.toPageQuery(req.page));
    return { models: page.items.map(map.fromModel), nextPageToken: map.toPageToken(page.nextOffset) };
  }

  @GrpcMethod(SERVICE, 'SetAlias')
  async setAlias(req: SetAliasRequest__Output, metadata: Metadata): Promise<SetAliasResponse> {
    const { model, previousVersion } = await this.registry.setAlias(
      req.name,
      req.alias,
      req.version,
      callerOf(metadata),
    );
    return { model: map.fromModel(model), previousVersion };
  }

  @GrpcMethod(SERVICE, 'DeleteAlias')
  async deleteAlias(req: DeleteAliasRequest__Output, metadata: Metadata): Promise<DeleteAliasResponse> {
    return { previousVersion: await this.registry.deleteAlias(req.name, req.alias, callerOf(metadata)) };
  }

  @GrpcMethod(SERVICE, 'RetireModel')
  async retireModel(req: RetireModelRequest__Output, metadata: Metadata): Promise<RetireModelResponse> {
    const { model, alreadyRetired } = await this.registry.retireModel(
      req.name,
      req.version,
      req.reason,
      callerOf(metadata),
    );
    return { model: map.fromModel(model), alreadyRetired };
  }

  @GrpcMethod(SERVICE, 'ListAuditEvents')
  async listAuditEvents(req: ListAuditEventsRequest__Output): Promise<ListAuditEventsResponse> {
    const page = await this.registry.auditRecords(req.name || undefined, map.toPageQuery(req.page));
    return { events: page.items.map(map.fromAuditRecord), nextPageToken: map.toPageToken(page.nextOffset) };
  }
}
