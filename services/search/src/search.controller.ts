/**
 * gRPC handlers of `nasunet.v1.SearchService`: parse, call SearchJobs, map. Errors are
 * domain errors, mapped to status codes by the global filter of libs/rpc.
 */
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import { ValidationError } from '../../../libs/core/src/index.js';
import type {
  CancelSearchRequest__Output,
  CancelSearchResponse,
  GetSearchGroupRequest__Output,
  GetSearchGroupResponse,
  GetSearchRequest__Output,
  GetSearchResponse,
  ListSearchesRequest__Output,
  ListSearchesResponse,
  StartSearchRequest__Output,
  StartSearchResponse,
  WatchSearchRequest__Output,
  WatchSearchResponse,
} from '../../../libs/rpc/src/index.js';
import { streamOf } from '../../common/src/streams.js';
import { SearchJobs } from './search-jobs.service.js';

function jobId(value: string): string {
  if (!value) throw new ValidationError('job_id: is required');
  return value;
}

@Controller()
export class SearchController {
  constructor(private readonly jobs: SearchJobs) {}

  @GrpcMethod('SearchService', 'StartSearch')
  async startSearch(
    req: StartSearchRequest__Output,
    _m: Metadata,
    call: ServerUnaryCall<unknown, unknown>,
  ): Promise<StartSearchResponse> {
    return this.jobs.start(req, call);
  }

  @GrpcMethod('SearchService', 'WatchSearch')
  watchSearch(req: WatchSearchRequest__Output): Observable<WatchSearchResponse> {
    const id = jobId(req.jobId);
    return streamOf((signal) => this.jobs.watch(id, signal));
  }

  @GrpcMethod('SearchService', 'GetSearch')
  async getSearch(req: GetSearchRequest__Output): Promise<GetSearchResponse> {
    return { job: await this.jobs.get(jobId(req.jobId)) };
  }

  @GrpcMethod('SearchService', 'ListSearches')
  async listSearches(req: ListSearchesRequest__Output): Promise<ListSearchesResponse> {
    return this.jobs.list(req);
  }

  @GrpcMethod('SearchService', 'GetSearchGroup')
  async getSearchGroup(req: GetSearchGroupRequest__Output): Promise<GetSearchGroupResponse> {
    if (!req.groupId) throw new ValidationError('group_id: is required');
    return this.jobs.group(req.groupId);
  }

  @GrpcMethod('SearchService', 'CancelSearch')
  async cancelSearch(req: CancelSearchRequest__Output): Promise<CancelSearchResponse> {
    return { job: await this.jobs.cancel(jobId(req.jobId)) };
  }
}
