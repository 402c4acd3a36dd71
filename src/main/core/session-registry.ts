/**
 * The phone map (pure): which STOMP session is bound to which phone, and what TapiServer must
 * be told when bindings change. The first session of a phone means LISTEN, the last one gone
 * means UNLISTEN; a second listen from the same session re-binds it.
 */

export interface Binding {
  sessionId: string;
  apexSession: string;
  user: string;
  phone: string;
}

/** What the link must send because of a change, in this order. */
export interface LinkEffects {
  unlisten: string[];
  listen: string[];
}

const NONE: LinkEffects = Object.freeze({ unlisten: [], listen: [] }) as LinkEffects;

export class SessionRegistry {
  readonly #bySession = new Map<string, Binding>();
  readonly #byPhone = new Map<string, Set<string>>();

  bind(binding: Binding): LinkEffects {
    const previous = this.#bySession.get(binding.sessionId);
    const effects: LinkEffects = { unlisten: [], listen: [] };
    if (previous) {
      if (previous.phone === binding.phone) {
        this.#bySession.set(binding.sessionId, binding);
        return NONE;
      }
      effects.unlisten.push(...this.unbind(binding.sessionId).unlisten);
    }
    this.#bySession.set(binding.sessionId, binding);
    let sessions = this.#byPhone.get(binding.phone);
    if (!sessions) {
      sessions = new Set();
      this.#byPhone.set(binding.phone, sessions);
      effects.listen.push(binding.phone);
    }
    sessions.add(binding.sessionId);
    return effects;
  }

  unbind(sessionId: string): LinkEffects {
    const binding = this.#bySession.get(sessionId);
    if (!binding) return NONE;
    this.#bySession.delete(sessionId);
    const sessions = this.#byPhone.get(binding.phone);
    sessions?.delete(sessionId);
    if (sessions && sessions.size === 0) {
      this.#byPhone.delete(binding.phone);
      return { unlisten: [binding.phone], listen: [] };
    }
    return NONE;
  }

  binding(sessionId: string): Binding | undefined {
    return this.#bySession.get(sessionId);
  }

  /** Session ids bound to `phone`, in binding order. */
  sessionsOf(phone: string): ReadonlySet<string> {
    return this.#byPhone.get(phone) ?? EMPTY;
  }

  /** Every phone with at least one session: what TapiServer must be listening to. */
  phones(): string[] {
    return [...this.#byPhone.keys()];
  }

  phoneCounts(): Array<{ phone: string; sessions: number }> {
    return [...this.#byPhone].map(([phone, ids]) => ({ phone, sessions: ids.size }));
  }

  get phoneCount(): number {
    return this.#byPhone.size;
  }

  get sessionCount(): number {
    return this.#bySession.size;
  }
}

const EMPTY: ReadonlySet<string> = new Set();
