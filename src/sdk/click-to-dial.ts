/** What click-to-dial turns into dials. */
export const DIAL_SELECTOR = 'a[href^="tel:" i], a[href^="callto:" i], [data-tapi-dial]';

/**
 * The number an element dials: `data-tapi-dial` (or, when empty, the element's text), or the
 * `tel:`/`callto:` URL without its scheme, percent-decoding and RFC 3966 parameters
 * (`;ext=…`, `;phone-context=…`). The agent normalises it (spaces, dashes, dots, parentheses).
 */
export function numberOf(element: Element): string | null {
  const data = element.getAttribute('data-tapi-dial');
  if (data !== null) return (data.trim() || element.textContent?.trim()) ?? null;
  const href = element.getAttribute('href') ?? '';
  const rest = href.replace(/^(tel|callto):(\/\/)?/i, '').split(';')[0] ?? '';
  try {
    return decodeURIComponent(rest).trim() || null;
  } catch {
    return rest.trim() || null;
  }
}

/**
 * One delegated click listener on `root` for every dialable element, present or added later.
 * `dial` decides: it returns false to let the click do what it would have done anyway (follow
 * the link), true when it took the click over. Clicks with a modifier key, other buttons,
 * and clicks a page handler already cancelled are left alone. Returns the uninstaller.
 */
export function installClickToDial(root: Document, dial: (number: string) => boolean): () => void {
  const onClick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    const target = event.target instanceof Element ? event.target.closest(DIAL_SELECTOR) : null;
    const number = target === null ? null : numberOf(target);
    if (number !== null && dial(number)) event.preventDefault();
  };
  root.addEventListener('click', onClick);
  return () => root.removeEventListener('click', onClick);
}
