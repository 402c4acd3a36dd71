import type { SamplingHeapProfile, SamplingHeapProfileNode } from './inspector.js';

/** What a sampling heap profile says per call: bytes allocated in all, and by which function. */
export interface AllocationSummary {
  totalBytes: number;
  calls: number;
  byFunction: Array<{ name: string; bytes: number }>;
}

const short = (url: string): string =>
  url.replace(/^file:\/\//, '').replace(/^.*\/(dist|node_modules)\//, '$1/');

export function summarizeAllocations(
  profile: SamplingHeapProfile,
  calls: number,
): AllocationSummary {
  const byFunction = new Map<string, number>();
  let totalBytes = 0;
  const visit = (node: SamplingHeapProfileNode): void => {
    if (node.selfSize > 0) {
      const { functionName, url, lineNumber } = node.callFrame;
      const name = `${functionName || '(anonymous)'} ${url ? `${short(url)}:${lineNumber + 1}` : '(native)'}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + node.selfSize);
      totalBytes += node.selfSize;
    }
    for (const child of node.children) visit(child);
  };
  visit(profile.head);
  return {
    totalBytes,
    calls,
    byFunction: [...byFunction]
      .map(([name, bytes]) => ({ name, bytes }))
      .sort((a, b) => b.bytes - a.bytes),
  };
}

export function formatAllocations(summary: AllocationSummary, top: number): string {
  const perCall = (bytes: number): string =>
    `${(bytes / Math.max(1, summary.calls) / 1024).toFixed(2)} KiB`;
  return [
    `${(summary.totalBytes / 1024 / 1024).toFixed(1)} MiB for ${summary.calls} calls: ${perCall(summary.totalBytes)} per call`,
    ...summary.byFunction.slice(0, top).map((f) => `  ${perCall(f.bytes).padStart(10)}  ${f.name}`),
  ].join('\n');
}
