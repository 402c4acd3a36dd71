/**
 * One session's subscriptions, indexed by destination so that delivering to a destination
 * costs one map lookup, whatever else the session subscribed to. Pure.
 */
export class SubscriptionIndex {
  readonly #byId = new Map<string, string>();
  readonly #byDestination = new Map<string, string[]>();

  get size(): number {
    return this.#byId.size;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Adds or replaces subscription `id`. */
  add(id: string, destination: string): void {
    this.remove(id);
    this.#byId.set(id, destination);
    const ids = this.#byDestination.get(destination);
    if (ids) ids.push(id);
    else this.#byDestination.set(destination, [id]);
  }

  /** Removes subscription `id`; returns whether it existed. */
  remove(id: string): boolean {
    const destination = this.#byId.get(id);
    if (destination === undefined) return false;
    this.#byId.delete(id);
    const ids = this.#byDestination.get(destination);
    if (ids) {
      const rest = ids.filter((x) => x !== id);
      if (rest.length > 0) this.#byDestination.set(destination, rest);
      else this.#byDestination.delete(destination);
    }
    return true;
  }

  /** Subscription ids on `destination`, in the order they were made. */
  idsFor(destination: string): readonly string[] {
    return this.#byDestination.get(destination) ?? [];
  }

  /** The subscription id that a 1.0 UNSUBSCRIBE by destination means. */
  idForDestination(destination: string): string | undefined {
    return this.#byDestination.get(destination)?.[0];
  }

  clear(): void {
    this.#byId.clear();
    this.#byDestination.clear();
  }
}
