import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { WriteBatch } from '../../src/main/stomp/write-batch.js';

/** A socket stand-in that records each write the kernel would get (one per `_writev`/`_write`). */
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
    batch.hold(a.socket);
    a.socket.write(frame);
  }
  batch.hold(b.socket);
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
  assert.equal(batch.hold(socket), true, 'the first write of the turn starts the hold');
  assert.equal(batch.hold(socket), false, 'later writes of the turn join it');
  socket.write('pop');
  await Promise.resolve();
  assert.deepEqual(syscalls, [['pop']]);
  assert.equal(batch.hold(socket), true, 'the next turn starts a new hold');
  socket.write('next');
  socket.destroy();
  batch.flush();
  assert.deepEqual(syscalls, [['pop']], 'a socket destroyed meanwhile drops its data quietly');
});
