/**
 * gRPC handlers of `nasunet.v1.SegmentationService`.
 */
import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import type { Metadata, ServerUnaryCall } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import {
  observableToAsyncIterable,
  type SegmentRequest__Output,
  type SegmentResponse,
  type SegmentVolumeRequest__Output,
  type SegmentVolumeResponse,
} from '../../../libs/rpc/src/index.js';
import { streamOf } from '../../common/src/streams.js';
import { SegmentationRunner } from './segmentation.service.js';

@Controller()
export class SegmentationController {
  constructor(private readonly runner: SegmentationRunner) {}

  @GrpcMethod('SegmentationService', 'Segment')
  segment(
    req: SegmentRequest__Output,
    _m: Metadata,
    call: ServerUnaryCall<unknown, unknown>,
  ): Promise<SegmentResponse> {
    return this.runner.segment(req, call);
  }

  @GrpcStreamMethod('SegmentationService', 'SegmentVolume')
  segmentVolume(
    requests: Observable<SegmentVolumeRequest__Output>,
    _m: Metadata,
    call: ServerUnaryCall<unknown, unknown>,
  ): Observable<SegmentVolumeResponse> {
    return streamOf(() => this.runner.segmentVolume(observableToAsyncIterable(requests), call));
  }
}
