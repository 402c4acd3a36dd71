import { test } from 'node:test';
import fc from 'fast-check';
import { decoderProperty, encoderProperty, lineCodecProperty } from './codec-properties.js';
import { fuzzParameters } from './runs.js';

const LONG = 100_000;

test('fuzz: STOMP frame decoder (mutated frames, random cuts)', () => {
  fc.assert(decoderProperty, fuzzParameters(LONG));
});

test('fuzz: TapiServer line splitter and parser (mutated lines, random cuts)', () => {
  fc.assert(lineCodecProperty, fuzzParameters(LONG));
});

test('fuzz: TapiServer line encoder (any strings)', () => {
  fc.assert(encoderProperty, fuzzParameters(LONG));
});
