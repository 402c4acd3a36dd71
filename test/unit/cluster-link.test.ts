import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterLink } from '../../src/main/core/cluster-link.js';
import type { ClusterInbox, ClusterPort, RemoteCommand } from '../../src/main/core/cluster-port.js';
import { ExtensionPatterns } from '../../src/main/core/extension-patterns.js';
import { callEventExtension, type TapiCommand } from '../../src/main/core/tapi-port.js';

/** A ClusterLink between a recording TapiServer link and a recording cluster serving `2*`. */
function setup(linkUp = true) {
  const lines: string[] = [];
  const forwarded: string[] = [];
  const delivered: string[] = [];
  const own = new ExtensionPatterns(['2*']);
  const link = {
    isConnected: linkUp,
    send(command: TapiCommand): boolean {
      if (command.verb !== 'PING') lines.push(`${command.verb} ${command.ext}`);
      return this.isConnected;
    },
  };
  let inbox: ClusterInbox | null = null;
  const cluster: ClusterPort = {
    isRemote: (ext) => !own.matches(ext),
    send: (command: RemoteCommand) => {
      forwarded.push(`${command.verb} ${command.ext}`);
      return true;
    },
    publish: () => undefined,
    attach: (i) => {
      inbox = i;
    },
  };
  const clusterLink = new ClusterLink(link, cluster);
  clusterLink.deliverTo({
    linkMessage: (event) => delivered.push(`${event.kind} ${callEventExtension(event)}`),
    extensionsUnreachable: (exts, reason) => delivered.push(`down ${exts.join(',')}: ${reason}`),
    callsLost: (on) => delivered.push(`lost ${['101', '201', '301'].filter(on).join(',')}`),
  });
  assert.ok(inbox);
  return { lines, forwarded, delivered, link, clusterLink, inbox: inbox as ClusterInbox };
}

test('own extensions go to TapiServer, the others to the cluster', () => {
  const { lines, forwarded, clusterLink } = setup();
  clusterLink.send({ verb: 'LISTEN', ext: '201' });
  clusterLink.send({ verb: 'LISTEN', ext: '101' });
  clusterLink.send({ verb: 'CALL', ext: '101', number: '600' });
  assert.deepEqual(lines, ['LISTEN 201']);
  assert.deepEqual(forwarded, ['LISTEN 101', 'CALL 101']);
});

test('TapiServer unlistens only when neither this agent nor any other needs the extension', () => {
  const { lines, clusterLink, inbox } = setup();
  clusterLink.send({ verb: 'LISTEN', ext: '201' });
  inbox.command('site-a', { verb: 'LISTEN', ext: '201' });
  inbox.command('site-c', { verb: 'LISTEN', ext: '201' });
  clusterLink.send({ verb: 'UNLISTEN', ext: '201' });
  inbox.command('site-a', { verb: 'UNLISTEN', ext: '201' });
  assert.deepEqual(lines, ['LISTEN 201']);
  assert.deepEqual(clusterLink.remoteListens(), [{ extension: '201', agents: ['site-c'] }]);
  inbox.agentGone('site-c');
  assert.deepEqual(lines, ['LISTEN 201', 'UNLISTEN 201']);
  assert.deepEqual(clusterLink.remoteListens(), []);
});

test("a heartbeat's listens repair lost commands both ways; foreign extensions are ignored", () => {
  const { lines, inbox } = setup();
  inbox.listens('site-a', ['201', '202', '101']);
  assert.deepEqual(lines, ['LISTEN 201', 'LISTEN 202']);
  inbox.listens('site-a', ['202']);
  assert.deepEqual(lines, ['LISTEN 201', 'LISTEN 202', 'UNLISTEN 201']);
  assert.equal(inbox.command('site-a', { verb: 'LISTEN', ext: '101' }), false);
});

test('a call from another agent is refused while our link is down; relisten repeats every listen', () => {
  const { lines, link, clusterLink, inbox } = setup(false);
  assert.equal(inbox.command('site-a', { verb: 'CALL', ext: '201', number: '600' }), false);
  inbox.command('site-a', { verb: 'LISTEN', ext: '202' });
  clusterLink.send({ verb: 'LISTEN', ext: '203' });
  link.isConnected = true;
  lines.length = 0;
  clusterLink.relisten();
  assert.deepEqual(lines.sort(), ['LISTEN 202', 'LISTEN 203']);
});

test('remote events and outages reach the router', () => {
  const { delivered, inbox } = setup();
  inbox.event({ kind: 'incoming', ext: '101', caller: '600', callId: null, name: null });
  inbox.unreachable([], 'nothing');
  inbox.unreachable(['101'], 'agent site-a stopped');
  assert.deepEqual(delivered, ['incoming 101', 'down 101: agent site-a stopped']);
});

test('extension patterns: * any run, ? one character, everything else literal', () => {
  const patterns = new ExtensionPatterns(['2*', '31?', '4.5']);
  for (const ext of ['2', '201', '2999', '310', '31a', '4.5'])
    assert.ok(patterns.matches(ext), ext);
  for (const ext of ['12', '31', '3100', '405', '42.5']) assert.ok(!patterns.matches(ext), ext);
});

test("another agent going ends the calls it reported, never those of this agent's TapiServer", () => {
  const { delivered, inbox } = setup();
  inbox.callsLost(() => true);
  inbox.callsLost((ext) => ext.startsWith('1'));
  assert.deepEqual(delivered, ['lost 101,301', 'lost 101']);
});
