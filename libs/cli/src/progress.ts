/**
 * Turns engine events into what a person sees: a progress bar with ETA on stderr when it
 * is a TTY; otherwise one line per epoch and, between them, a step line at least every
 * `heartbeatSeconds` (so a log shows life during long epochs); nothing with `--quiet`;
 * and, with `--json`, every event as one JSON line on stdout (for scripts and tests).
 */
import cliProgress from 'cli-progress';
import type { EngineEvent } from '../../engine/src/index.js';

/** Output options of {@link ProgressReporter}. */
export interface ProgressOptions {
  quiet: boolean;
  json: boolean;
  /** Defaults to `process.stderr.isTTY`. */
  tty?: boolean;
  /** Longest silence between lines when not a TTY, in seconds [30]. */
  heartbeatSeconds?: number;
  /** Clock in milliseconds [Date.now]. */
  now?: () => number;
  /** Where lines go [process.stderr]. */
  write?: (text: string) => void;
}

const fmtSeconds = (s: number | null): string => {
  if (s === null || !Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
};

/** Event sink for the command line. Call `stop()` when the run ends. */
export class ProgressReporter {
  private bar: cliProgress.SingleBar | null = null;
  private readonly tty: boolean;
  private readonly heartbeatMs: number;
  private readonly now: () => number;
  private readonly write: (text: string) => void;
  private lastLineAt: number;
  constructor(private readonly opts: ProgressOptions) {
    this.tty = opts.tty ?? Boolean(process.stderr.isTTY);
    this.heartbeatMs = (opts.heartbeatSeconds ?? 30) * 1000;
    this.now = opts.now ?? Date.now;
    const out = opts.write ?? ((t: string) => void process.stderr.write(t));
    this.write = (t) => {
      this.lastLineAt = this.now();
      out(t);
    };
    this.lastLineAt = this.now();
  }

  /** Handles one event. */
  readonly onEvent = (e: EngineEvent): void => {
    if (this.opts.json) process.stdout.write(JSON.stringify(e) + '\n');
    if (this.opts.quiet) return;
    switch (e.type) {
      case 'start':
        if (this.tty) {
          this.bar?.stop();
          this.bar = new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: `${e.kind} [{bar}] {value}/{total} steps | epoch {epoch} | loss {loss} | ETA {etaText}`,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          this.bar.start(e.totalSteps, e.step, { epoch: e.epoch + 1, loss: '-', etaText: '?' });
        } else {
          this.write(
            `${e.kind}: ${e.resumed ? 'resuming at' : 'starting at'} epoch ${e.epoch + 1}, step ${e.step} of ${e.totalSteps}\n`,
          );
        }
        break;
      case 'step':
        this.bar?.update(e.step, {
          epoch: e.epoch + 1,
          loss: e.loss.toFixed(4),
          etaText: fmtSeconds(e.etaSeconds),
        });
        if (!this.tty && this.now() - this.lastLineAt >= this.heartbeatMs) {
          this.write(
            `${e.kind}: step ${e.step}/${e.totalSteps}, epoch ${e.epoch + 1}, loss ${e.loss.toFixed(4)}, ETA ${fmtSeconds(e.etaSeconds)}\n`,
          );
        }
        break;
      case 'epoch': {
        const line =
          `${e.kind} epoch ${e.epoch + 1}: train loss ${e.trainLoss.toFixed(4)}` +
          (e.alphaLoss !== null ? `, alpha loss ${e.alphaLoss.toFixed(4)}` : '') +
          (Number.isFinite(e.valLoss) ? `, val loss ${e.valLoss.toFixed(4)}` : '') +
          `, val Dice ${e.valDice.toFixed(4)}, ETA ${fmtSeconds(e.etaSeconds)}`;
        this.bar?.stop();
        this.write(line + '\n');
        if (this.bar && e.step < this.bar.getTotal()) {
          // Restart the bar below the epoch line.
          const total = this.bar.getTotal();
          this.bar.start(total, e.step, {
            epoch: e.epoch + 2,
            loss: e.trainLoss.toFixed(4),
            etaText: fmtSeconds(e.etaSeconds),
          });
        }
        break;
      }
      case 'data':
        if (e.skipped.length > 0) {
          this.write(
            `${e.kind}: ${e.cases} cases; ${e.skipped.length} left out (--skip-bad-cases):\n` +
              e.skipped.map((c) => `  ${c.id}: ${c.file}: ${c.reason}\n`).join(''),
          );
        }
        break;
      case 'plan':
        this.write(
          `${e.kind} configuration (automatic; override any with its option):\n` +
            e.choices.map((c) => `  ${c.name} = ${JSON.stringify(c.value)}  (${c.reason})\n`).join(''),
        );
        break;
      case 'warning':
        this.write(`warning: ${e.message}\n`);
        break;
      case 'genotype':
        if (e.changed && !this.bar) this.write(`  genotype changed (stable for ${e.stableEpochs} epochs)\n`);
        break;
      case 'done':
        this.stop();
        this.write(
          `${e.kind} finished (${e.reason}) after ${e.epochs} epoch(s), ${e.step} steps, ${fmtSeconds(e.elapsedSeconds)}\n`,
        );
        break;
      default:
        break;
    }
  };

  /** Stops the bar if one is shown. */
  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
