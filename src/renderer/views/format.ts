import type { CallView } from '../../shared/bridge.js';

/** How times, counts, durations and call states read on the dashboard. */

const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const dateFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const numberFormat = new Intl.NumberFormat();

/** `14:03:22`, or `3 Nov 14:03:22` when not today. */
export function clock(at: number, now = Date.now()): string {
  const date = new Date(at);
  const today = new Date(now).toDateString() === date.toDateString();
  return today ? timeFormat.format(date) : `${dateFormat.format(date)} ${timeFormat.format(date)}`;
}

/** A number and its unit, never wrapped apart (`3 h` above `10 min` in a narrow column). */
const unit = (n: number, name: string): string => `${n}\u00a0${name}`;

/** `just now` (or `short`), `42 s`, `5 min`, `3 h 10 min`, `2 d`. */
export function duration(ms: number, short = 'just now'): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 2) return short;
  if (s < 60) return unit(s, 's');
  const min = Math.floor(s / 60);
  if (min < 60) return unit(min, 'min');
  const hours = Math.floor(min / 60);
  if (hours < 24)
    return min % 60 === 0 ? unit(hours, 'h') : `${unit(hours, 'h')} ${unit(min % 60, 'min')}`;
  return unit(Math.floor(hours / 24), 'd');
}

export function count(n: number): string {
  return numberFormat.format(n);
}

/** `1 session`, `2 sessions`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** A call's state as the call log says it: `answered by 202`, `missed (NOANSWER)`, … */
export function callStateText(call: CallView): string {
  switch (call.state) {
    case 'answered':
      return call.answeredBy === null ? 'answered' : `answered by ${call.answeredBy}`;
    case 'held':
      return 'on hold';
    case 'ended': {
      const cause = call.cause === null ? '' : ` (${call.cause})`;
      return call.missed ? `missed${cause}` : `ended${cause}`;
    }
    default:
      return call.state;
  }
}

/** What the call log says about how many pages got the screen-pop. */
export function reachedText(reached: number): string {
  return reached === 0 ? 'no session reached' : `${plural(reached, 'session')} reached`;
}
