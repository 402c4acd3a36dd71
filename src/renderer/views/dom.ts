/** Tiny DOM helpers: text only (never HTML strings), so nothing a call or session carries can inject markup. */

export interface Props {
  className?: string;
  text?: string;
  title?: string;
  attrs?: Readonly<Record<string, string>>;
}

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (props.className) element.className = props.className;
  if (props.text !== undefined) element.textContent = props.text;
  if (props.title !== undefined) element.title = props.title;
  for (const [name, value] of Object.entries(props.attrs ?? {})) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

/** Sets text only when it differs (cheap to call every render). */
export function setText(element: Element, text: string): void {
  if (element.textContent !== text) element.textContent = text;
}

/**
 * A table cell; `full` is its tooltip: the whole text of a `clip` cell (one line, cut with an
 * ellipsis where it is too long), or more than the cell says.
 */
export function cell(text: string, className?: string, full?: string): HTMLTableCellElement {
  return h('td', { text, className, title: full });
}
