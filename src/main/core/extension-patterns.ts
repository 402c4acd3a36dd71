/**
 * Extension patterns of the `cluster.extensions` setting (docs/cluster.md): `*` matches any run of
 * characters, `?` exactly one, every other character itself. Pure.
 */
export class ExtensionPatterns {
  readonly #regexes: readonly RegExp[];

  constructor(readonly patterns: readonly string[]) {
    this.#regexes = patterns.map(
      (pattern) =>
        new RegExp(
          `^${[...pattern]
            .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+#-]/g, '\\$&')))
            .join('')}$`,
        ),
    );
  }

  matches(ext: string): boolean {
    return this.#regexes.some((regex) => regex.test(ext));
  }
}
