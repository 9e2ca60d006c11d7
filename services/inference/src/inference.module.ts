/** Root module of the inference service. */
import { Module, type DynamicModule } from '@nestjs/common';
import { INFERENCE_CONFIG, type InferenceConfig } from './config.js';
import { DicomController } from './dicom.controller.js';
import { DicomSegmentationRunner } from './dicom-segmentation.js';
import { SegmentationController } from './segmentation.controller.js';
import { SegmentationRunner } from './segmentation.service.js';

@Module({})
export class InferenceModule {
  /** The module with its validated configuration. */
  static forRoot(config: InferenceConfig): DynamicModule {
    return {
      module: InferenceModule,
      controllers: [SegmentationController, DicomController],
      providers: [
        { provide: INFERENCE_CONFIG, useValue: config },
        SegmentationRunner,
        DicomSegmentationRunner,
      ],
    };
  }
}
