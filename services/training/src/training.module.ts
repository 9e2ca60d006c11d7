/** Root module of the training service. */
import { Module, type DynamicModule } from '@nestjs/common';
import { TRAINING_CONFIG, type TrainingConfig } from './config.js';
import { TrainingController } from './training.controller.js';
import { TrainingJobs } from './training-jobs.service.js';

@Module({})
export class TrainingModule {
  /** The module with its validated configuration. */
  static forRoot(config: TrainingConfig): DynamicModule {
    return {
      module: TrainingModule,
      controllers: [TrainingController],
      providers: [{ provide: TRAINING_CONFIG, useValue: config }, TrainingJobs],
    };
  }
}
