/**
 * The API token: kept in sessionStorage for this tab only (closing the tab forgets it), asked
 * for through the page's token dialog. One request at a time: callers asking while the dialog
 * is open wait for the same answer, so a burst of 401s opens one dialog, not several.
 */
import { useEffect, useState } from 'preact/hooks';

const KEY = 'forgeflow.api-token';

/**
 * @typedef {object} TokenRequest
 * @property {string} reason why the token is needed, shown in the dialog
 * @property {boolean} refused whether the token given last was refused by the server
 * @property {(token: string | null) => void} answer the token, or null when dismissed
 */

/** @type {TokenRequest | null} */
let open = null;
/** @type {Promise<string | null> | null} */
let asking = null;
/** @type {Set<() => void>} */
const listeners = new Set();
const changed = () => listeners.forEach((listener) => listener());

/** @returns {string | null} */
export function storedToken() {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** @param {string | null} token */
function keep(token) {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // storage disabled (private mode): the token lives as long as this call
  }
  changed();
}

export const forgetToken = () => keep(null);

/**
 * Opens the token dialog; resolves with the token given (and kept), or null.
 * @param {string} reason
 * @param {boolean} [refused] the kept token was just refused
 * @returns {Promise<string | null>}
 */
export function requestToken(reason, refused = false) {
  if (asking) return asking;
  asking = new Promise((resolve) => {
    open = {
      reason,
      refused,
      answer: (token) => {
        open = null;
        asking = null;
        const given = token?.trim() || null;
        if (given) keep(given);
        else changed();
        resolve(given);
      },
    };
    changed();
  });
  return asking;
}

/** The open token request (for the dialog) and whether a token is kept (for the header). */
export function useToken() {
  const [, setVersion] = useState(0);
  useEffect(() => {
    const update = () => setVersion((v) => v + 1);
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return { request: open, hasToken: storedToken() !== null };
}
