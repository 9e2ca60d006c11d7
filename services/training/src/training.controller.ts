/**
 * gRPC handlers of `nasunet.v1.TrainingService`: parse, call TrainingJobs, map.
 */
import { Controller } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import { ValidationError } from '../../../libs/core/src/index.js';
import type {
  CancelTrainingRequest__Output,
  CancelTrainingResponse,
  EvaluateRequest__Output,
  EvaluateResponse,
  GetTrainingRequest__Output,
  GetTrainingResponse,
  ListTrainingsRequest__Output,
  ListTrainingsResponse,
  StartTrainingRequest__Output,
  StartTrainingResponse,
  WatchTrainingRequest__Output,
  WatchTrainingResponse,
} from '../../../libs/rpc/src/index.js';
import { streamOf } from '../../common/src/streams.js';
import { TrainingJobs } from './training-jobs.service.js';

function jobId(value: string): string {
  if (!value) throw new ValidationError('job_id: is required');
  return value;
}

@Controller()
export class TrainingController {
  constructor(private readonly jobs: TrainingJobs) {}

  @GrpcMethod('TrainingService', 'StartTraining')
  async startTraining(
    req: StartTrainingRequest__Output,
    _m: Metadata,
    call: ServerUnaryCall<unknown, unknown>,
  ): Promise<StartTrainingResponse> {
    return { job: await this.jobs.start(req, call) };
  }

  @GrpcMethod('TrainingService', 'WatchTraining')
  watchTraining(req: WatchTrainingRequest__Output): Observable<WatchTrainingResponse> {
    const id = jobId(req.jobId);
    return streamOf((signal) => this.jobs.watch(id, signal));
  }

  @GrpcMethod('TrainingService', 'GetTraining')
  async getTraining(req: GetTrainingRequest__Output): Promise<GetTrainingResponse> {
    return { job: await this.jobs.get(jobId(req.jobId)) };
  }

  @GrpcMethod('TrainingService', 'ListTrainings')
  async listTrainings(req: ListTrainingsRequest__Output): Promise<ListTrainingsResponse> {
    return this.jobs.list(req);
  }

  @GrpcMethod('TrainingService', 'CancelTraining')
  async cancelTraining(req: CancelTrainingRequest__Output): Promise<CancelTrainingResponse> {
    return { job: await this.jobs.cancel(jobId(req.jobId)) };
  }

  @GrpcMethod('TrainingService', 'Evaluate')
  async evaluate(
    req: EvaluateRequest__Output,
    _m: Metadata,
    call: ServerUnaryCall<unknown, unknown>,
  ): Promise<EvaluateResponse> {
    return this.jobs.evaluate(req, call);
  }
}
