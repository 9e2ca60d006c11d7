/**
 * Entry of a training job's process, forked by the training service once per job
 * (training-runner.ts); not started on its own.
 */
import { serveJobProcess } from '../../common/src/job-process.js';
import { computeTraining, type TrainingComputeInput, type TrainingOutcome } from './training-compute.js';

serveJobProcess<TrainingComputeInput, TrainingOutcome>(computeTraining);
