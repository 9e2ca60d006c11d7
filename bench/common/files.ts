/**
 * What every benchmark shares: finding a Python that has PyTorch (for the side-by-side
 * reference runs), the run folder's notes, replacing its own section of BENCHMARKS.md and
 * naming the CPU.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../../libs/engine/src/index.js';

/** First interpreter that can `import torch`: `preferred`, else `python3` on PATH, then Debian's. */
export function findTorchPython(preferred?: string): string | undefined {
  const candidates = preferred !== undefined ? [preferred] : ['python3', '/usr/bin/python3'];
  return candidates.find((py) => spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0);
}

/**
 * Replaces the section of `path` that starts with the line `heading` (up to the next `## `
 * heading) by `section`, or appends it; other sections stay as they are.
 */
export function writeSection(path: string, heading: string, section: string): void {
  const old = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const start = old.indexOf(heading);
  let next: string;
  if (start < 0) {
    next = old.replace(/\n*$/, '\n\n') + section.replace(/\n*$/, '\n');
  } else {
    const rest = old.slice(start + heading.length);
    const m = /\n## /.exec(rest);
    const end = m ? start + heading.length + m.index + 1 : old.length;
    next =
      old.slice(0, start) + section.replace(/\n*$/, '\n') + (end < old.length ? '\n' + old.slice(end) : '');
  }
  writeFileAtomic(path, next);
}

/** Non-empty trimmed lines of a run folder's `notes.txt` (none when it is absent), for a report. */
export function readNotes(dir: string): string[] {
  const path = join(dir, 'notes.txt');
  return existsSync(path)
    ? readFileSync(path, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
    : [];
}

/** `model name` from /proc/cpuinfo where readable, else what Node reports. */
export function cpuModelName(): string {
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m?.[1] !== undefined) return m[1].trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown CPU';
}
