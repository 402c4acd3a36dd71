import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { BatchedConnection, WriteBatch } from '../../src/main/stomp/write-batch.js';

/** A socket stand-in that records each write the kernel would get (one per `_writev`/`_write`). */
const nothing = (): void => undefined;

function recordingSocket(): { socket: PassThrough; syscalls: string[][] } {
  const syscalls: string[][] = [];
  const socket = new PassThrough({
    decodeStrings: false,
    write(chunk: string, _encoding, done) {
      syscalls.push([String(chunk)]);
      done();
    },
    writev(chunks, done) {
      syscalls.push(chunks.map((c) => String(c.chunk)));
      done();
    },
  });
  return { socket, syscalls };
}

test('frames written to one socket in one turn leave together when the turn ends', async () => {
  const batch = new WriteBatch();
  const a = recordingSocket();
  const b = recordingSocket();
  for (const frame of ['pop 1', 'pop 2', 'pop 3']) {
    batch.hold(a.socket, nothing);
    a.socket.write(frame);
  }
  batch.hold(b.socket, nothing);
  b.socket.write('pop 1');
  assert.deepEqual(a.syscalls, [], 'held while the fan-out runs');
  assert.ok(batch.holds(a.socket));
  await Promise.resolve();
  assert.deepEqual(a.syscalls, [['pop 1', 'pop 2', 'pop 3']], 'one write for the three frames');
  assert.deepEqual(b.syscalls, [['pop 1']]);
  assert.equal(batch.holds(a.socket), false);
});

test('the first write of a quiet socket is held only until the synchronous work returns', async () => {
  const batch = new WriteBatch();
  const { socket, syscalls } = recordingSocket();
  assert.equal(batch.hold(socket, nothing), true, 'the first write of the turn starts the hold');
  assert.equal(batch.hold(socket, nothing), false, 'later writes of the turn join it');
  socket.write('pop');
  await Promise.resolve();
  assert.deepEqual(syscalls, [['pop']]);
  assert.equal(batch.hold(socket, nothing), true, 'the next turn starts a new hold');
  socket.write('next');
  socket.destroy();
  batch.flush();
  assert.deepEqual(syscalls, [['pop']], 'a socket destroyed meanwhile drops its data quietly');
});

test('a backlog is reported as it would be unbatched: none for a reading client, all for one that stopped', async () => {
  const batch = new WriteBatch();
  const { socket } = recordingSocket();
  let unread = 0; // what the client has not taken: held bytes included, as writableLength counts them
  let looked = 0;
  const connection = new BatchedConnection(batch, {
    socket: () => socket,
    pending: () => unread,
    write: (text) => void (unread += text.length),
    releaseAt: 1000,
  });
  connection.onFlushed(() => looked++);
  connection.send('x'.repeat(300));
  assert.equal(connection.pendingBytes(), 0, 'held for the turn, nothing was waiting: a reader');
  assert.equal(looked, 0);
  await Promise.resolve();
  assert.equal(looked, 1, 'once the turn went out, the session looks at its backlog again');
  unread = 500; // a later turn: the client stopped reading, 500 bytes still waiting
  connection.send('x'.repeat(300));
  assert.equal(connection.pendingBytes(), 800, 'a backed-up client: the held frame counts too');
});

test('held bytes past the slow-consumer limit are let go at once, so the real backlog is known', () => {
  const batch = new WriteBatch();
  const { socket, syscalls } = recordingSocket();
  let unread = 0;
  const connection = new BatchedConnection(batch, {
    socket: () => socket,
    pending: () => unread,
    write: (text) => {
      socket.write(text);
      unread += text.length;
    },
    releaseAt: 1000,
  });
  const frame = 'x'.repeat(1001);
  connection.send(frame);
  assert.equal(batch.holds(socket), false, 'released before the turn ends');
  assert.deepEqual(syscalls, [[frame]]);
  assert.equal(connection.pendingBytes(), 1001, 'what the socket really holds');
});
