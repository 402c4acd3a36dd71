import type { CallView } from '../../src/shared/bridge.js';

/** A call-log entry: an ended inbound call unless `fields` say otherwise. */
export function callView(
  fields: Pick<CallView, 'at' | 'extension' | 'caller' | 'name' | 'callId' | 'reached'> &
    Partial<CallView>,
): CallView {
  return {
    direction: 'in',
    state: 'ended',
    answeredBy: null,
    answeredAt: null,
    endedAt: null,
    cause: null,
    missed: false,
    ...fields,
  };
}
