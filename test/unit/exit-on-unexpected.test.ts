import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { exitOnUnexpectedError, UNEXPECTED_EXIT_CODE } from '../../src/main/exit-on-unexpected.js';

/** What the headless agent and the tray's core do with an error nothing caught. */

function guarded(): { events: EventEmitter; written: string[]; exits: number[] } {
  const events = new EventEmitter();
  const written: string[] = [];
  const exits: number[] = [];
  exitOnUnexpectedError(
    (text) => written.push(text),
    (code) => exits.push(code),
    events,
  );
  return { events, written, exits };
}

test('the cause is written once, then the process exits non-zero', () => {
  const { events, written, exits } = guarded();
  events.emit(
    'uncaughtException',
    new RangeError('The message must not be greater than 123 bytes'),
  );
  events.emit('unhandledRejection', new Error('a second failure while exiting'));
  assert.deepEqual(exits, [UNEXPECTED_EXIT_CODE]);
  assert.notEqual(UNEXPECTED_EXIT_CODE, 0);
  assert.equal(written.length, 1);
  assert.match(written[0] ?? '', /unexpected error, exiting with code 70: RangeError: The message/);
});

test('a rejected promise nobody handled ends the process too, with what it was', () => {
  const { events, written, exits } = guarded();
  events.emit('unhandledRejection', 'directory reload failed');
  assert.deepEqual(exits, [UNEXPECTED_EXIT_CODE]);
  assert.match(written[0] ?? '', /unhandled promise rejection.*directory reload failed/);
});
