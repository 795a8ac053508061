/** The element with `id`, checked to be of the expected kind: a missing one is a bug in index.html. */
export function byId<T extends HTMLElement>(id: string, kind: new () => T): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`index.html has no <${kind.name}> #${id}`);
  return element;
}

/** Replaces the text of `element`, with `tone` as a class for styling (or none). */
export function setText(element: HTMLElement, text: string, tone?: 'warning' | 'ok'): void {
  element.textContent = text;
  element.classList.toggle('warning', tone === 'warning');
  element.classList.toggle('ok', tone === 'ok');
}
