import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nowMicros, seqOf, stampCallId, stampOf } from '../../bench/clock.js';
import {
  FrameSplitter,
  bodyOf,
  callIdOf,
  commandOf,
  encodeClientFrame,
  headerOf,
} from '../../bench/mini-stomp.js';
import {
  directoryFile,
  expectedFrames,
  sessionSpecs,
  shareOut,
  transportOf,
} from '../../bench/workload.js';
import { countOver, parseAgentScrape, sharesWithin } from '../../bench/metrics-scrape.js';
import { RUNS_MARKER, recordRun } from '../../bench/report.js';
import { summarizeProfile } from '../../bench/profile-summary.js';
import { measureFloor } from '../../bench/floor.js';
import { tempDir } from '../helpers/temp-dir.js';
import { parseLine } from '../../src/main/tapi/line-codec.js';

test('a stamped call id is one token of the line protocol and carries its time', () => {
  const at = nowMicros();
  const id = stampCallId(42, at);
  assert.equal(seqOf(id), 42);
  assert.ok(Math.abs(stampOf(id) - at) <= 0.05);
  const parsed = parseLine(Buffer.from(`INCOMING 201 +48123 ${id}`));
  assert.ok(parsed.ok && parsed.message.kind === 'incoming' && parsed.message.callId === id);
  assert.ok(Number.isNaN(stampOf('no-stamp-here')));
  assert.ok(nowMicros() >= at);
});

test('the mini STOMP client splits frames across chunks and skips heart-beats', () => {
  const frame = encodeClientFrame(
    'MESSAGE',
    { subscription: 'sub-call', destination: '/topic/ext-201' },
    '{"name":"UNKNOWN","callId":"7-123.5"}',
  );
  const splitter = new FrameSplitter();
  const stream = `\n${frame}\n\r\n${frame}`;
  const frames = [
    ...splitter.push(stream.slice(0, 10)),
    ...splitter.push(stream.slice(10, 60)),
    ...splitter.push(stream.slice(60)),
  ];
  assert.equal(frames.length, 2);
  for (const f of frames) {
    assert.equal(commandOf(f), 'MESSAGE');
    assert.equal(headerOf(f, 'subscription'), 'sub-call');
    assert.equal(headerOf(f, 'missing'), undefined);
    assert.equal(callIdOf(bodyOf(f)), '7-123.5');
  }
  assert.equal(callIdOf('{"name":"x"}'), undefined);
});

test('the workload binds N sessions to P phones evenly and counts what a call must produce', () => {
  const w = { sessions: 10, phones: 4, rate: 1, seconds: 1, sockjsShare: 0.2, blastCalls: 0 };
  const specs = sessionSpecs(w);
  assert.deepEqual(
    specs.map((s) => s.phone),
    ['2000', '2001', '2002', '2003', '2000', '2001', '2002', '2003', '2000', '2001'],
  );
  assert.equal(specs.filter((s) => s.transport === 'sockjs').length, 2);
  // Phones 2000 and 2001 have 3 sessions, 2002 and 2003 have 2.
  assert.equal(expectedFrames(4, w), 10);
  assert.equal(expectedFrames(5, w), 13);
  const dir = directoryFile(w);
  assert.equal(dir.users[dir.sessions['apex-5'] ?? ''], '2001');
  assert.equal(specs.filter((_, i) => transportOf(i, 0) === 'sockjs').length, 0);
  assert.equal(specs.filter((_, i) => transportOf(i, 1) === 'sockjs').length, 10);
  const shares = shareOut(specs, 3);
  assert.deepEqual(
    shares.map((s) => s.length),
    [4, 3, 3],
  );
});

test("the agent's latency histogram, loop delay and GC pauses are read from /metrics text", () => {
  const scrape = (a: number, b: number, inf: number, gcs: number): string =>
    [
      '# HELP tapi_messenger_screen_pop_latency_seconds x',
      `tapi_messenger_screen_pop_latency_seconds_bucket{le="0.0005"} ${a}`,
      `tapi_messenger_screen_pop_latency_seconds_bucket{le="0.001"} ${b}`,
      `tapi_messenger_screen_pop_latency_seconds_bucket{le="+Inf"} ${inf}`,
      'tapi_messenger_screen_pop_latency_seconds_sum 0.1',
      'tapi_messenger_nodejs_eventloop_lag_p99_seconds 0.0105',
      'tapi_messenger_nodejs_eventloop_lag_max_seconds 0.0212',
      `tapi_messenger_nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor"} ${gcs}`,
      `tapi_messenger_nodejs_gc_duration_seconds_bucket{le="0.01",kind="minor"} ${gcs + 1}`,
      `tapi_messenger_nodejs_gc_duration_seconds_bucket{le="+Inf",kind="minor"} ${gcs + 1}`,
      'tapi_messenger_nodejs_gc_duration_seconds_bucket{le="0.001",kind="major"} 0',
      'tapi_messenger_nodejs_gc_duration_seconds_bucket{le="0.01",kind="major"} 0',
      'tapi_messenger_nodejs_gc_duration_seconds_bucket{le="+Inf",kind="major"} 1',
    ].join('\n');
  const before = parseAgentScrape(scrape(10, 10, 10, 5));
  const after = parseAgentScrape(scrape(100, 109, 110, 20));
  assert.equal(after.latency.get(Infinity), 110);
  assert.deepEqual(sharesWithin(before.latency, after.latency), [
    { seconds: 0.0005, share: 0.9 },
    { seconds: 0.001, share: 0.99 },
  ]);
  assert.ok(Math.abs(after.loopDelay.p99 - 0.0005) < 1e-12, 'less the 10-ms tick');
  assert.ok(Math.abs(after.loopDelay.max - 0.0112) < 1e-12);
  assert.equal(countOver(before.gc, after.gc, 0), 15, 'every collection between the scrapes');
  assert.equal(countOver(before.gc, after.gc, 0.001), 0);
  assert.equal(countOver(before.gc, after.gc, 0.01), 0);
  assert.equal(countOver(parseAgentScrape('').gc, after.gc, 0.001), 2, 'a slow minor, a major');
});

test("the machine's floor times every stamp at the relay and at both receivers", async () => {
  const floor = await measureFloor(500, 0.1);
  assert.equal(floor.oneHop.count, 50);
  assert.equal(floor.twoHops.count, 100);
  assert.ok(floor.oneHop.p50 > 0 && floor.twoHops.p50 > 0, 'delays are positive');
});

test('a recorded run goes on top of the earlier ones, which are kept', async (t) => {
  const dir = await tempDir(t, 'bench-report');
  const file = path.join(dir, 'benchmarks.md');
  writeFileSync(file, `# Benchmarks\n\nMethod.\n\n${RUNS_MARKER}\n\n### older run\n\nrow\n`);
  recordRun(file, '### newer run\n\nrow\n');
  const text = readFileSync(file, 'utf8');
  assert.ok(text.indexOf('### newer run') < text.indexOf('### older run'));
  assert.ok(text.indexOf(RUNS_MARKER) < text.indexOf('### newer run'));
  assert.ok(text.startsWith('# Benchmarks\n\nMethod.'));
  const fresh = path.join(dir, 'new.md');
  recordRun(fresh, '### first run\n');
  assert.match(readFileSync(fresh, 'utf8'), /## Runs \(newest first\)[\s\S]*### first run/);
});

test('a CPU profile is summarised by self time, idle apart', () => {
  const frame = (functionName: string, url = ''): CallFrameLike => ({
    functionName,
    url,
    lineNumber: 0,
    columnNumber: 0,
  });
  type CallFrameLike = {
    functionName: string;
    url: string;
    lineNumber: number;
    columnNumber: number;
  };
  const summary = summarizeProfile({
    startTime: 0,
    endTime: 1,
    nodes: [
      { id: 1, callFrame: frame('(root)'), hitCount: 0 },
      { id: 2, callFrame: frame('(idle)'), hitCount: 50 },
      { id: 3, callFrame: frame('writev'), hitCount: 30 },
      { id: 4, callFrame: frame('popUp', 'file:///x/dist/main/core/call-router.js'), hitCount: 10 },
      { id: 5, callFrame: frame('popUp', 'file:///x/dist/main/core/call-router.js'), hitCount: 10 },
    ],
  });
  assert.equal(summary.idleSamples, 50);
  assert.equal(summary.busySamples, 50);
  assert.equal(summary.functions[0]?.name, 'writev (native)');
  assert.equal(summary.functions[0]?.percent, 60);
  assert.equal(summary.files[1]?.name, 'dist/main/core/call-router.js');
  assert.equal(summary.files[1]?.percent, 40);
});
