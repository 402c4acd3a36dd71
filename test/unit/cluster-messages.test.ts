import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeClusterMessage, eventKey } from '../../src/main/cluster/cluster-messages.js';
import { PeerTable } from '../../src/main/cluster/peer-table.js';
import { parseConfig } from '../../src/main/config/load-config.js';
import {
  callEventExtension,
  isCallEvent,
  type DialledCall,
} from '../../src/main/core/tapi-port.js';

test('messages from other agents are validated: a bad one is a problem to log, not a crash', () => {
  const ok = decodeClusterMessage(
    Buffer.from(
      '{"type":"command","from":"site-a","command":{"verb":"CALL","ext":"201","number":"+48600"}}',
    ),
  );
  assert.equal(ok.ok, true);
  for (const body of [
    'not json',
    '{"type":"command","from":"site-a","command":{"verb":"CALL","ext":"201","number":"600\\nHANGUP"}}',
    '{"type":"command","from":"site-a","command":{"verb":"LISTEN","ext":"2 01"}}',
    '{"type":"event","from":"a b","event":{"kind":"incoming","ext":"201"}}',
    '{"type":"gossip","from":"site-a"}',
  ]) {
    const decoded = decodeClusterMessage(Buffer.from(body));
    assert.equal(decoded.ok, false, body);
  }
});

test('the call an outbound CALL placed is relayed; a version-1 OK CALL and other OKs are not', () => {
  const placed: DialledCall = { kind: 'ok', verb: 'CALL', args: ['201', '+48600', 'sim-1'] };
  const decoded = decodeClusterMessage(JSON.stringify({ type: 'event', from: 'b', event: placed }));
  assert.deepEqual(decoded, { ok: true, message: { type: 'event', from: 'b', event: placed } });
  assert.equal(callEventExtension(placed), '201');
  assert.equal(isCallEvent(placed), true);
  assert.equal(isCallEvent({ kind: 'ok', verb: 'CALL', args: ['201', '+48600'] }), false);
  assert.equal(isCallEvent({ kind: 'ok', verb: 'LISTEN', args: ['201'] }), false);
  for (const event of [
    { ...placed, args: ['201', '+48600'] },
    { ...placed, verb: 'LISTEN' },
    { ...placed, args: ['2 01', '+48600', 'sim-1'] },
  ]) {
    const body = JSON.stringify({ type: 'event', from: 'b', event });
    assert.equal(decodeClusterMessage(body).ok, false, body);
  }
});

test('event routing keys: one word per extension, whatever it holds', () => {
  assert.equal(eventKey('201'), 'event.201');
  assert.equal(eventKey('*9.1#'), 'event.%2A9%2E1%23');
});

test('peers: new, known, gone after missed heartbeats of their own interval, forgiven after an outage', () => {
  const peers = new PeerTable(3);
  const beat = {
    type: 'heartbeat' as const,
    from: 'site-b',
    extensions: ['2*'],
    link: 'connected' as const,
    intervalMs: 100,
    listens: [],
  };
  assert.equal(peers.heard(beat, 1000), 'new');
  assert.equal(peers.heard(beat, 1100), 'known');
  assert.equal(peers.servingAgent('201')?.agentId, 'site-b');
  assert.equal(peers.servingAgent('101'), undefined);
  assert.deepEqual(peers.expire(1400), []);
  peers.forgive(5000);
  assert.deepEqual(peers.expire(5300), []);
  assert.deepEqual(
    peers.expire(5301).map((p) => p.agentId),
    ['site-b'],
  );
  assert.equal(peers.heard(beat, 6000), 'new');
});

test('config: cluster absent means a single agent; a bad cluster names the key', () => {
  assert.equal(parseConfig({}).cluster, null);
  const cluster = parseConfig({
    cluster: { url: 'amqps://u:p@mq.example:5671/office', agentId: 'site-a', extensions: ['2*'] },
  }).cluster;
  assert.equal(cluster?.exchange, 'tapi-messenger');
  assert.equal(cluster?.heartbeatMs, 5000);
  assert.throws(
    () => parseConfig({ cluster: { url: 'http://mq', agentId: 'site a', extensions: [] } }),
    (error: Error) =>
      /cluster\.url/.test(error.message) &&
      /cluster\.agentId/.test(error.message) &&
      /cluster\.extensions/.test(error.message),
  );
});
