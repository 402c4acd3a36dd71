import type { DirectoryView } from '../../shared/bridge.js';

/**
 * The directory seam: who is behind an APEX session, and which extension is theirs.
 * The file directory (docs/protocol.md §4) and the Oracle one implement it; the call router only
 * sees this interface.
 */

export type Resolution =
  | { kind: 'found'; user: string; phone: string }
  /** The APEX session is not known (expired, mistyped, forged). */
  | { kind: 'not-found' }
  /** The session's user has no extension in the directory. */
  | { kind: 'no-phone'; user: string }
  /** The directory could not answer (database down, timeout, unreadable file). */
  | { kind: 'unavailable'; reason: string };

export type DirectoryHealth = DirectoryView['health'];

export interface Directory {
  /** Never rejects: every failure is a `Resolution` of kind `unavailable`. */
  resolve(apexSession: string): Promise<Resolution>;
  /**
   * The caller's display name for a screen-pop, or undefined when unknown. Never rejects, and
   * answers within the implementation's own time budget (the pop is not held up for it).
   */
  callerName?(callerNumber: string): Promise<string | undefined>;
  state(): DirectoryView;
  /** Called when `state()` changes. Returns an unsubscribe function. */
  onStateChange(listener: (state: DirectoryView) => void): () => void;
  close(): Promise<void>;
}
