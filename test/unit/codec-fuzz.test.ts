import { test } from 'node:test';
import fc from 'fast-check';
import { decoderProperty, encoderProperty, lineCodecProperty } from '../fuzz/codec-properties.js';
import { fuzzParameters } from '../fuzz/runs.js';

/** A few thousand cases here; `npm run fuzz` runs the same properties ≥ 100,000 times. */
test('property: STOMP decoding of mutated frames fails only with protocol errors, whatever the cuts', () => {
  fc.assert(decoderProperty, fuzzParameters(2000));
});

test('property: TapiServer lines parse the same however cut; mutated ones never throw', () => {
  fc.assert(lineCodecProperty, fuzzParameters(3000));
});

test('property: only allowed tokens ever make a line to TapiServer', () => {
  fc.assert(encoderProperty, fuzzParameters(3000));
});
