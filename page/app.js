/**
 * The page's entry point: the header, the view for the current path, the token dialog.
 * Routes: `/` the runs, `/runs/:id` one run, `/deliveries/:id` one webhook delivery, `/start`
 * the form that starts a manual run.
 */
import { render } from 'preact';
import { DeliveryPage } from './delivery-page.js';
import { html } from './html.js';
import { Link, usePlace } from './router.js';
import { RunPage } from './run-page.js';
import { RunsPage } from './runs-list.js';
import { StartRunPage } from './start-run.js';
import { TokenButton, TokenDialog } from './token-dialog.js';

/** @param {string} path @param {URLSearchParams} query */
function view(path, query) {
  if (path === '/' || path === '') return html`<${RunsPage} query=${query} />`;
  if (path === '/start') return html`<${StartRunPage} />`;
  const run = /^\/runs\/([^/]+)\/?$/.exec(path);
  if (run?.[1]) {
    const id = decodeURIComponent(run[1]);
    // keyed by id: another run's page starts from nothing, not from this run's data
    return html`<${RunPage} key=${id} id=${id} query=${query} />`;
  }
  const delivery = /^\/deliveries\/([^/]+)\/?$/.exec(path);
  if (delivery?.[1]) {
    const id = decodeURIComponent(delivery[1]);
    return html`<${DeliveryPage} key=${id} id=${id} />`;
  }
  return html`<section class="empty">
    Nothing at <code>${path}</code>. <${Link} href="/">See the runs</${Link}>.
  </section>`;
}

function App() {
  const { path, query } = usePlace();
  return html`<header class="top">
      <${Link} href="/" class="brand"><span class="brand-mark">◆</span> forgeflow</${Link}>
      <nav class="top-nav">
        <${Link} href="/" class=${path === '/' ? 'active' : ''}>Runs</${Link}>
        <${Link} href="/start" class=${path === '/start' ? 'active' : ''}>Run pipeline</${Link}>
        <a href="/docs" target="_blank" rel="noreferrer">API</a>
      </nav>
      <span class="spacer"></span>
      <${TokenButton} />
    </header>
    <main class="main">${view(path, query)}</main>
    <${TokenDialog} />`;
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
