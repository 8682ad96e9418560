/**
 * The dialog asking for the API token (a modal `<dialog>`, so the page stays put behind it),
 * and the header's token button: whether a token is kept for this tab, and a way to forget it.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { forgetToken, requestToken, useToken } from './token.js';

export function TokenDialog() {
  const { request } = useToken();
  const dialog = useRef(/** @type {HTMLDialogElement | null} */ (null));
  const [value, setValue] = useState('');

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (request && !element.open) {
      setValue('');
      element.showModal();
    } else if (!request && element.open) element.close();
  }, [request]);

  /** @param {Event} event */
  const submit = (event) => {
    event.preventDefault();
    request?.answer(value);
  };
  return html`<dialog
    ref=${dialog}
    class="token-dialog"
    aria-labelledby="token-title"
    onCancel=${() => request?.answer(null)}
  >
    <form method="dialog" onSubmit=${submit}>
      <h2 id="token-title">API token</h2>
      <p>${request?.reason ?? ''}</p>
      ${
        request?.refused
          ? html`<p class="form-error">The server refused the token given: try again.</p>`
          : null
      }
      <p class="muted small">
        The server's <code>FORGEFLOW_API_TOKEN</code> (<code>forgeflow serve</code> printed it on
        its first start). It is kept for this tab only.
      </p>
      <input
        type="password"
        name="token"
        autocomplete="off"
        placeholder="token"
        value=${value}
        onInput=${(/** @type {Event} */ e) => setValue(/** @type {HTMLInputElement} */ (e.currentTarget).value)}
        autofocus
      />
      <div class="dialog-buttons">
        <button type="button" class="button" onClick=${() => request?.answer(null)}>Cancel</button>
        <button type="submit" class="button primary" disabled=${!value.trim()}>Use token</button>
      </div>
    </form>
  </dialog>`;
}

/** The header's token state: set (click to forget) or not (click to give one). */
export function TokenButton() {
  const { hasToken } = useToken();
  return hasToken
    ? html`<button
        type="button"
        class="header-button"
        title="An API token is kept for this tab: click to forget it"
        onClick=${forgetToken}
      >
        API token set · forget
      </button>`
    : html`<button
        type="button"
        class="header-button"
        title="Give the API token now (actions ask for it when needed)"
        onClick=${() => void requestToken('Actions (cancel, retry, signal) need the API token.')}
      >
        Set API token
      </button>`;
}
