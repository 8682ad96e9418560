/**
 * Client-side routes: `/`, `/runs/:id`, `/deliveries/:id` (the server answers index.html for
 * each). The query string holds the page's state (filters, cursor, selected node), so every
 * view can be linked and reloaded, and back/forward work.
 */
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';

/** @import { ComponentChildren } from 'preact' */

const CHANGE = 'forgeflow:navigate';

/**
 * @typedef {object} Place
 * @property {string} path
 * @property {URLSearchParams} query
 */

/** @returns {Place} */
function here() {
  return { path: location.pathname, query: new URLSearchParams(location.search) };
}

/** The current place; re-renders on navigation. */
export function usePlace() {
  const [place, setPlace] = useState(here);
  useEffect(() => {
    const update = () => setPlace(here());
    window.addEventListener('popstate', update);
    window.addEventListener(CHANGE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(CHANGE, update);
    };
  }, []);
  return place;
}

/**
 * @param {string} url
 * @param {{ replace?: boolean }} [options] replace: change the URL without a history entry
 */
export function navigate(url, options = {}) {
  if (url === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  window.dispatchEvent(new Event(CHANGE));
  if (!options.replace) window.scrollTo(0, 0);
}

/**
 * A path with a query, leaving out empty values.
 * @param {string} path
 * @param {Record<string, string | null | undefined>} params
 */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) query.set(key, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

/**
 * An in-page link: a plain left click navigates without reloading; the others (new tab, …)
 * work as for any link.
 * @param {{ href: string, class?: string, title?: string, children?: ComponentChildren }} props
 */
export function Link({ href, children, ...rest }) {
  /** @param {MouseEvent} event */
  const onClick = (event) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey)
      return;
    event.preventDefault();
    navigate(href);
  };
  return html`<a href=${href} onClick=${onClick} ...${rest}>${children}</a>`;
}
