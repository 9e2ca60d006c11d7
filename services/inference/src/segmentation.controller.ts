/**
 * gRPC handlers of `nasunet.v1.SegmentationService`.
 */
import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import type { Metadata, ServerDuplexStream, ServerUnaryCall } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import {
  fromBidiStream,
  type SegmentRequest__Output,
  type SegmentResponse,
  type SegmentVolumeRequest__Output,
  type SegmentVolumeResponse,
} from '../../../libs/rpc/src/index.js';
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

  /**
   * Bidirectional stream: header, then NIfTI chunks or slices in; one response out. The
   * call is passed on so that a cancelled request stream (client gone, deadline passed)
   * fails with `CancelledError` instead of being segmented as if it were complete.
   */
  @GrpcStreamMethod('SegmentationService', 'SegmentVolume')
  segmentVolume(
    requests: Observable<SegmentVolumeRequest__Output>,
    _m: Metadata,
    call: ServerDuplexStream<SegmentVolumeRequest__Output, SegmentVolumeResponse>,
  ): Observable<SegmentVolumeResponse> {
    return fromBidiStream(requests, (it) => this.runner.segmentVolume(it, call), call);
  }
}
