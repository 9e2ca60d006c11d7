/**
 * SegmentDicomSeries and SegmentStudy: a DICOM image series (streamed by the caller, or
 * fetched from the configured PACS over WADO-RS) is read with libs/dicom, segmented through
 * the service's one segmentation path and written as a DICOM SEG (libs/dicom
 * `writeSeriesSegmentation`, as the CLI writes it), all in a segmentation worker
 * (segmentation-work.ts); SegmentStudy stores the SEG
 * back with STOW-RS. Nothing is stored unless the whole SEG was made. Spans and messages
 * name studies and series by `uidTag`, never by UID or patient attribute.
 */
import { Inject, Injectable } from '@nestjs/common';
import { PreconditionError, ResourceLimitError, ValidationError } from '../../../libs/core/src/index.js';
import {
  fetchSeries,
  isUid,
  storeInstances,
  uidTag,
  type DicomInput,
  type DicomWebConfig,
  type SeriesSegmentation,
} from '../../../libs/dicom/src/index.js';
import {
  splitChunks,
  type DicomSegmentationSummary,
  type SegmentDicomSeriesRequest__Output,
  type SegmentDicomSeriesResponse,
  type SegmentStudyRequest__Output,
  type SegmentStudyResponse,
} from '../../../libs/rpc/src/index.js';
import { withSpan } from '../../../libs/telemetry/src/index.js';
import { validateModelRef } from '../../common/src/model-loader.js';
import type { ServedModel } from './model-cache.js';
import { INFERENCE_CONFIG, type InferenceConfig } from './config.js';
import { pacsOf } from './dicom-config.js';
import { checkAlive, type ServedCall } from '../../common/src/call-liveness.js';
import { SegmentationRunner } from './segmentation.service.js';
import type { DicomJob } from './segmentation-work.js';

/** A SEG made for a series, and the summary reported for it. */
interface Made {
  seg: SeriesSegmentation;
  summary: DicomSegmentationSummary;
}

@Injectable()
export class DicomSegmentationRunner {
  private readonly pacs: DicomWebConfig | undefined;

  constructor(
    @Inject(INFERENCE_CONFIG) private readonly config: InferenceConfig,
    private readonly runner: SegmentationRunner,
  ) {
    this.pacs = pacsOf(config);
  }

  /** Segments the series whose instances arrive as chunks after a header. */
  async *segmentDicomSeries(
    requests: AsyncIterable<SegmentDicomSeriesRequest__Output>,
    call?: ServedCall,
  ): AsyncIterable<SegmentDicomSeriesResponse> {
    const started = performance.now();
    let model: ServedModel | undefined;
    const instances: DicomInput[] = [];
    let current: Buffer[] = [];
    let bytes = 0;
    for await (const msg of requests) {
      if (model === undefined) {
        if (msg.part !== 'header' || !msg.header)
          throw new ValidationError('header: must be the first message');
        model = await this.runner.model(validateModelRef(msg.header.model, 'header.model'), call);
        continue;
      }
      if (msg.part !== 'instanceChunk' || !msg.instanceChunk) {
        throw new ValidationError('header: only the first message may be a header');
      }
      bytes += msg.instanceChunk.data.length;
      if (bytes > this.config.NASUNET_MAX_INPUT_BYTES) {
        throw new ResourceLimitError(`series: more than ${this.config.NASUNET_MAX_INPUT_BYTES} bytes`);
      }
      current.push(msg.instanceChunk.data);
      if (msg.instanceChunk.last) {
        if (instances.length === this.config.NASUNET_MAX_DICOM_INSTANCES) {
          throw new ResourceLimitError(
            `series: more than ${this.config.NASUNET_MAX_DICOM_INSTANCES} instances (the configured limit)`,
          );
        }
        instances.push({ label: `instance ${instances.length + 1}`, bytes: Buffer.concat(current) });
        current = [];
      }
    }
    if (model === undefined) throw new ValidationError('header: no messages were sent');
    if (current.length > 0) {
      throw new ValidationError(
        `instance ${instances.length + 1}: the stream ended inside it (its last chunk must have last = true)`,
      );
    }
    if (instances.length === 0) throw new ValidationError('instance_chunk: no instances were sent');
    const { seg, summary } = await this.segmentSeries(model, instances, started, call);
    yield { summary };
    for (const chunk of splitChunks(seg.bytes)) yield { segChunk: Buffer.from(chunk) };
  }

  /** Fetches a series from the configured PACS, segments it and stores the SEG there. */
  async segmentStudy(req: SegmentStudyRequest__Output, call?: ServedCall): Promise<SegmentStudyResponse> {
    const started = performance.now();
    const ref = validateModelRef(req.model);
    for (const [field, uid] of [
      ['study_instance_uid', req.studyInstanceUid],
      ['series_instance_uid', req.seriesInstanceUid],
    ] as const) {
      if (!isUid(uid))
        throw new ValidationError(`${field}: must be a DICOM UID (digits and dots, at most 64 characters)`);
    }
    const pacs = this.pacs;
    if (pacs === undefined) {
      throw new PreconditionError('no PACS is configured for this service (NASUNET_DICOMWEB_URL)');
    }
    const model = await this.runner.model(ref, call);
    const tags = {
      'nasunet.study_tag': uidTag(req.studyInstanceUid),
      'nasunet.series_tag': uidTag(req.seriesInstanceUid),
    };
    const instances = await withSpan('inference.pacs_fetch', tags, () =>
      fetchSeries(pacs, req.studyInstanceUid, req.seriesInstanceUid, {
        maxBytes: this.config.NASUNET_MAX_INPUT_BYTES,
        maxInstances: this.config.NASUNET_MAX_DICOM_INSTANCES,
      }),
    );
    checkAlive(call);
    const { seg, summary } = await this.segmentSeries(model, instances, started, call, req);
    checkAlive(call);
    await withSpan('inference.pacs_store', tags, () => storeInstances(pacs, [seg.bytes]));
    return { summary: { ...summary, latencyMs: performance.now() - started } };
  }

  /**
   * Reads, segments and writes the SEG of `instances` in a segmentation worker, in the
   * service's work queue; `expected` (SegmentStudy) must name the series the instances belong to.
   */
  private async segmentSeries(
    model: ServedModel,
    instances: DicomInput[],
    started: number,
    call: ServedCall | undefined,
    expected?: { studyInstanceUid: string; seriesInstanceUid: string },
  ): Promise<Made> {
    const job: DicomJob = {
      kind: 'dicom',
      instances,
      ...(expected ? { expected } : {}),
      modelName: model.record.name,
    };
    const { seg, sourceInstances } = await this.runner.compute(
      job,
      model,
      call,
      instances.map((i) => i.bytes),
    );
    const summary: DicomSegmentationSummary = {
      model: model.resolved,
      segSopInstanceUid: seg.sopInstanceUid,
      segSeriesInstanceUid: seg.seriesInstanceUid,
      segments: seg.segments.map((s) => ({
        segmentNumber: s.segmentNumber,
        label: s.label,
        voxelCount: String(s.voxelCount),
        volumeMl: s.volumeMl,
        typeScheme: s.type.scheme,
        typeCode: s.type.value,
      })),
      sourceInstances,
      frames: seg.frames,
      latencyMs: performance.now() - started,
    };
    return { seg, summary };
  }
}
