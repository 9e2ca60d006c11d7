/**
 * Bounds the segmentation work of one inference process: at most `concurrency` requests
 * compute at a time and at most `capacity` wait for a turn; one more is refused with
 * `ResourceLimitError` (RESOURCE_EXHAUSTED), so a burst cannot pile up memory and time.
 */
import { ResourceLimitError } from '../../../libs/core/src/index.js';

export class WorkQueue {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly capacity: number,
  ) {}

  /** Requests computing and waiting now. */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }

  /**
   * Runs `work` when a turn comes; `stillWanted` is called first and throws when the
   * request was cancelled (or its deadline passed) while it waited.
   */
  async run<T>(work: () => Promise<T>, stillWanted: () => void = () => {}): Promise<T> {
    if (this.active < this.concurrency) {
      this.active++;
    } else {
      if (this.waiting.length >= this.capacity) {
        throw new ResourceLimitError(
          `the segmentation queue is full (${this.active} running, ${this.waiting.length} waiting); retry later`,
        );
      }
      // The releasing request hands its turn over: `active` stays counted.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      stillWanted();
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
