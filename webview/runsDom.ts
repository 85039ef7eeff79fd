/**
 * Small DOM helpers shared by the run and compare webviews (webview/runs.ts, webview/compare.ts). Text
 * always goes in through textContent: nothing a run record says becomes markup. No style attributes (the
 * CSP allows none): looks come from classes in media/runs.css and media/compare.css.
 */
import type { WebviewMessage } from '../src/features/runs/protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** The webview's channel to the host (acquireVsCodeApi may be called once per page). */
export function host(): VsCodeApi {
  api ??= acquireVsCodeApi();
  return api;
}

export const SVG_NS = 'http://www.w3.org/2000/svg';

export function el<K extends keyof HTMLElementTagNameMap>(name: K, classes: readonly string[] = [], text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(name);
  if (classes.length > 0) element.classList.add(...classes);
  if (text !== undefined) element.textContent = text;
  return element;
}

export function svg<K extends keyof SVGElementTagNameMap>(name: K, attributes: Readonly<Record<string, string | number>> = {}, classes: readonly string[] = [], text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (classes.length > 0) element.classList.add(...classes);
  if (text !== undefined) element.textContent = text;
  return element;
}

export function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (element === null) throw new Error(`the page has no #${id}`);
  return element as T;
}

/** A section with a heading; returns the section (append its content). */
export function section(parent: HTMLElement, title: string, classes: readonly string[] = []): HTMLElement {
  const element = el('section', ['section', ...classes]);
  element.append(el('h2', [], title));
  parent.append(element);
  return element;
}

/** A table with a header row and text cells; `cellClasses` per row and column. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], options: { rowClasses?: (row: number) => readonly string[]; cellClasses?: (row: number, column: number) => readonly string[]; caption?: string } = {}): HTMLTableElement {
  const element = el('table', ['grid']);
  if (options.caption !== undefined) element.append(el('caption', [], options.caption));
  const head = el('thead');
  const headRow = el('tr');
  for (const header of headers) headRow.append(el('th', [], header));
  head.append(headRow);
  const body = el('tbody');
  rows.forEach((cells, r) => {
    const row = el('tr', options.rowClasses?.(r) ?? []);
    cells.forEach((cell, c) => row.append(el(c === 0 ? 'th' : 'td', options.cellClasses?.(r, c) ?? [], cell)));
    body.append(row);
  });
  element.append(head, body);
  return element;
}
