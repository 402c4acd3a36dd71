import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

/**
 * CPU time and memory of another process from Linux's /proc (what `pidusage` does, without a
 * dependency): `/proc/<pid>/stat` fields 14–15 (utime, stime, in clock ticks) and
 * `/proc/<pid>/status` (VmRSS, VmHWM).
 */

let ticksPerSecond: number | null = null;

function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    } catch {
      ticksPerSecond = 100;
    }
    if (!(ticksPerSecond > 0)) ticksPerSecond = 100;
  }
  return ticksPerSecond;
}

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

export interface MemoryUse {
  /** Resident set size now, KiB. */
  rssKiB: number;
  /** Peak resident set size over the process's life, KiB. */
  hwmKiB: number;
}

export function memory(pid: number): MemoryUse {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) : Number.NaN;
  };
  return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
}

/** CPU use of a process between `start()` and `stop()`, and its largest RSS seen meanwhile. */
export class ProcessMeter {
  #cpuStart = 0;
  #wallStart = 0;
  #peakKiB = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(readonly pid: number) {}

  start(sampleEveryMs = 200): void {
    this.#cpuStart = cpuSeconds(this.pid);
    this.#wallStart = performance.now();
    this.#peakKiB = memory(this.pid).rssKiB;
    this.#timer = setInterval(() => {
      try {
        this.#peakKiB = Math.max(this.#peakKiB, memory(this.pid).rssKiB);
      } catch {
        // The process is gone; stop() reports what was seen.
      }
    }, sampleEveryMs);
  }

  /** CPU as % of one core over the interval, and the peak RSS in KiB. */
  stop(): { cpuPercent: number; peakRssKiB: number; seconds: number } {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const seconds = (performance.now() - this.#wallStart) / 1000;
    const cpu = cpuSeconds(this.pid) - this.#cpuStart;
    const rss = memory(this.pid).rssKiB;
    return {
      cpuPercent: seconds > 0 ? (100 * cpu) / seconds : Number.NaN,
      peakRssKiB: Math.max(this.#peakKiB, rss),
      seconds,
    };
  }
}
