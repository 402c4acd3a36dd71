/**
 * What may ever reach a TapiServer line (docs/protocol.md §2, §3). Nothing a browser sends can put a
 * space, CR or LF into a line: every token is checked against these patterns first.
 */

/** `<ext>` of docs/protocol.md §3. */
export const EXTENSION_PATTERN = /^[0-9A-Za-z*#+._-]{1,32}$/;

/** A dialable number after normalisation (docs/protocol.md §2). */
export const NUMBER_PATTERN = /^\+?[0-9*#]{1,32}$/;

/** Characters people type for readability and that a PBX does not want. */
const DECORATION = /[ \-.()]/g;

export type NumberCheck = { ok: true; number: string } | { ok: false; reason: string };

/**
 * Normalises a number as typed on a page (spaces, dashes, dots, parentheses removed) and
 * checks the result. Only ASCII space counts as a space: a tab, CR or LF is refused.
 */
export function normaliseNumber(input: string): NumberCheck {
  const number = input.replace(DECORATION, '');
  if (NUMBER_PATTERN.test(number)) return { ok: true, number };
  return {
    ok: false,
    reason:
      'a number may hold digits, * and #, an optional leading +, and spaces, dashes, dots or parentheses for readability (at most 32 digits)',
  };
}
