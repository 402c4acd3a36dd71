import type { CpuProfile } from './inspector.js';

/** Where a CPU profile's samples fell (pure): self time per function and per file. */

export interface ProfileLine {
  name: string;
  /** Share of all non-idle samples, %. */
  percent: number;
  samples: number;
}

export interface ProfileSummary {
  /** Samples outside `(idle)`. */
  busySamples: number;
  idleSamples: number;
  functions: ProfileLine[];
  files: ProfileLine[];
}

function shortUrl(url: string): string {
  if (url === '') return '(native)';
  const src = url.indexOf('/dist/');
  if (src >= 0) return url.slice(src + 1);
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  return url.replace(/^file:\/\//, '');
}

export function summarizeProfile(profile: CpuProfile, top = 25): ProfileSummary {
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let idle = 0;
  let busy = 0;
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0;
    if (hits === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += hits;
      continue;
    }
    busy += hits;
    const file = shortUrl(url);
    const name = `${functionName || '(anonymous)'} ${file}${url ? `:${lineNumber + 1}` : ''}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + hits);
    const fileKey = url === '' ? functionName : file;
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + hits);
  }
  const lines = (map: Map<string, number>): ProfileLine[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, samples]) => ({
        name,
        samples,
        percent: busy === 0 ? 0 : (100 * samples) / busy,
      }));
  return {
    busySamples: busy,
    idleSamples: idle,
    functions: lines(byFunction),
    files: lines(byFile),
  };
}

export function formatProfile(summary: ProfileSummary, top = 20): string {
  const out = [
    `busy samples ${summary.busySamples}, idle ${summary.idleSamples}`,
    'self time by function:',
    ...summary.functions
      .slice(0, top)
      .map((l) => `  ${l.percent.toFixed(1).padStart(5)} %  ${l.name}`),
    'self time by file:',
    ...summary.files.slice(0, top).map((l) => `  ${l.percent.toFixed(1).padStart(5)} %  ${l.name}`),
  ];
  return out.join('\n');
}
