import WebSocket from 'ws';

/**
 * A minimal Chrome DevTools Protocol client for the agent under test (started with
 * `--inspect=127.0.0.1:0`): a full garbage collection before each RSS sample, and the CPU
 * profiler around the call phases only (`--cpu-prof` would also profile start-up and the
 * connection storm).
 */
export class InspectorClient {
  #nextId = 1;
  readonly #waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(data.toString()) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
      };
      if (message.id === undefined) return;
      const waiter = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (message.error) waiter?.reject(new Error(message.error.message));
      else waiter?.resolve(message.result);
    });
  }

  static connect(url: string): Promise<InspectorClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 1 << 30 });
      ws.once('open', () => resolve(new InspectorClient(ws)));
      ws.once('error', reject);
    });
  }

  call<T = unknown>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#waiting.set(id, { resolve: (v) => resolve(v as T), reject });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  async collectGarbage(): Promise<void> {
    await this.call('HeapProfiler.collectGarbage');
  }

  /** Bytes of the V8 heap in use (after `collectGarbage`, what is live). */
  async heapUsed(): Promise<number> {
    const usage = await this.call<{ usedSize: number; totalSize: number }>('Runtime.getHeapUsage');
    return usage.usedSize;
  }

  async startProfiling(samplingIntervalMicros = 100): Promise<void> {
    await this.call('Profiler.enable');
    await this.call('Profiler.setSamplingInterval', { interval: samplingIntervalMicros });
    await this.call('Profiler.start');
  }

  /** Stops the profiler; the profile in `.cpuprofile` form. */
  async stopProfiling(): Promise<CpuProfile> {
    const { profile } = await this.call<{ profile: CpuProfile }>('Profiler.stop');
    await this.call('Profiler.disable');
    return profile;
  }

  /**
   * Starts V8's sampling heap profiler counting garbage too (objects a scavenge or a full
   * collection already freed): what the agent allocates, not only what it keeps.
   */
  async startAllocationSampling(samplingIntervalBytes = 1024): Promise<void> {
    await this.call('HeapProfiler.enable');
    await this.call('HeapProfiler.startSampling', {
      samplingInterval: samplingIntervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  }

  async stopAllocationSampling(): Promise<SamplingHeapProfile> {
    const { profile } = await this.call<{ profile: SamplingHeapProfile }>(
      'HeapProfiler.stopSampling',
    );
    await this.call('HeapProfiler.disable');
    return profile;
  }

  close(): void {
    this.ws.close();
  }
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface SamplingHeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  /** Bytes allocated by this function itself (estimated from the samples). */
  selfSize: number;
  children: SamplingHeapProfileNode[];
}

export interface SamplingHeapProfile {
  head: SamplingHeapProfileNode;
}
