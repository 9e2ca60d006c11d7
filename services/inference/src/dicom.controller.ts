/**
 * gRPC handlers of the DICOM methods of `nasunet.v1.SegmentationService`:
 * SegmentDicomSeries and SegmentStudy.
 */
import { Controller } from '@nestjs/common';
import { GrpcMethod, GrpcStreamMethod } from '@nestjs/microservices';
import type { Metadata, ServerDuplexStream, ServerUnaryCall } from '@grpc/grpc-js';
import type { Observable } from 'rxjs';
import {
  fromBidiStream,
  type SegmentDicomSeriesRequest__Output,
  type SegmentDicomSeriesResponse,
  type SegmentStudyRequest__Output,
  type SegmentStudyResponse,
} from '../../../libs/rpc/src/index.js';
import { DicomSegmentationRunner } from './dicom-segmentation.js';

@Controller()
export class DicomController {
  constructor(private readonly runner: DicomSegmentationRunner) {}

  /** Header and instance chunks in; summary and SEG chunks out (see segmentation.controller.ts on cancelling). */
  @GrpcStreamMethod('SegmentationService', 'SegmentDicomSeries')
  segmentDicomSeries(
    requests: Observable<SegmentDicomSeriesRequest__Output>,
    _m: Metadata,
    call: ServerDuplexStream<SegmentDicomSeriesRequest__Output, SegmentDicomSeriesResponse>,
  ): Observable<SegmentDicomSeriesResponse> {
    return fromBidiStream(requests, (it) => this.runner.segmentDicomSeries(it, call), call);
  }

  @GrpcMethod('SegmentationService', 'SegmentStudy')
  segmentStudy(
    req: SegmentStudyRequest__Output,
    _m: Metadata,
    call: ServerUnaryCall<unknown, unknown>,
  ): Promise<SegmentStudyResponse> {
    return this.runner.segmentStudy(req, call);
  }
}
