/**
 * `/start`: a way to start a manual run from the page. Paste a pipeline text, and the form of
 * its declared inputs (on.manual.inputs, as POST /api/v1/validate answers them) is made from
 * it: a choice is a select, a boolean a checkbox, a number a number field; required inputs are
 * marked, descriptions shown. The values go to POST /api/v1/runs as text (the server reads them
 * as their declared types, as it does `--input` of the CLI) with the API token; the problems the
 * server finds (422 INVALID_INPUTS) are shown next to their fields, and a started run is opened.
 */
import { useState } from 'preact/hooks';
import { ApiError, api } from './api.js';
import { html } from './html.js';
import { navigate } from './router.js';

/** @import { DeclaredInput } from './types.js' */

/** @typedef {Record<string, string | boolean>} Values */

/** The field's first value: the default, else nothing chosen. @param {DeclaredInput} input */
function initial(input) {
  if (input.type === 'boolean') return input.default === true;
  return input.default === null ? '' : String(input.default);
}

/**
 * @param {{ input: DeclaredInput, value: string | boolean, error: string | undefined,
 *   set: (value: string | boolean) => void }} props
 */
function InputField({ input, value, error, set }) {
  const id = `input-${input.name}`;
  /** @param {Event} e */
  const text = (e) => set(/** @type {HTMLInputElement} */ (e.currentTarget).value);
  const common = {
    id,
    name: input.name,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  };
  let field;
  if (input.type === 'boolean')
    field = html`<input
      type="checkbox"
      ...${common}
      checked=${value === true}
      onChange=${(/** @type {Event} */ e) => set(/** @type {HTMLInputElement} */ (e.currentTarget).checked)}
    />`;
  else if (input.type === 'choice')
    field = html`<select ...${common} value=${value} onChange=${text}>
      ${input.required && input.default !== null ? null : html`<option value="">(none)</option>`}
      ${(input.options ?? []).map((o) => html`<option key=${o} value=${o}>${o}</option>`)}
    </select>`;
  else
    field = html`<input
      type=${input.type === 'number' ? 'number' : 'text'}
      step=${input.type === 'number' ? 'any' : undefined}
      ...${common}
      value=${value}
      onInput=${text}
    />`;
  return html`<div class=${`input-field${error ? ' has-error' : ''}`} data-input=${input.name}>
    <label for=${id}>
      <span class="mono">${input.name}</span>
      ${input.required ? html`<span class="required" title="required"> *</span>` : null}
      <span class="muted small"> ${input.type}</span>
    </label>
    ${field}
    ${input.description ? html`<div class="muted small">${input.description}</div>` : null}
    ${error ? html`<div class="form-error" id=${`${id}-error`}>${error}</div>` : null}
  </div>`;
}

export function StartRunPage() {
  const [pipeline, setPipeline] = useState('');
  const [repo, setRepo] = useState('');
  const [inputs, setInputs] = useState(/** @type {DeclaredInput[] | null} */ (null));
  const [values, setValues] = useState(/** @type {Values} */ ({}));
  const [errors, setErrors] = useState(/** @type {Record<string, string>} */ ({}));
  const [problem, setProblem] = useState(/** @type {string | null} */ (null));
  const [busy, setBusy] = useState(false);

  const load = async () => {
    setBusy(true);
    setProblem(null);
    setErrors({});
    try {
      const result = await api.validate(pipeline);
      if (!result.valid) {
        setInputs(null);
        const shown = result.diagnostics
          .filter((d) => d.severity === 'error')
          .slice(0, 5)
          .map((d) => `${d.line}:${d.column}: ${d.message}`);
        setProblem(`The pipeline has errors: ${shown.join(' · ')}`);
        return;
      }
      const declared = result.inputs ?? [];
      setInputs(declared);
      setValues(Object.fromEntries(declared.map((i) => [i.name, initial(i)])));
    } catch (error) {
      setProblem(error instanceof ApiError ? error.detail : String(error));
    } finally {
      setBusy(false);
    }
  };

  /** @param {Event} event */
  const submit = async (event) => {
    event.preventDefault();
    if (!inputs) return;
    setBusy(true);
    setProblem(null);
    setErrors({});
    // An empty field is "not given": the server applies the default (or says it is required).
    /** @type {Values} */
    const given = {};
    for (const input of inputs) {
      const value = values[input.name];
      if (value !== undefined && value !== '') given[input.name] = value;
    }
    try {
      const started = await api.start({
        pipeline,
        ...(repo.trim() ? { repo: repo.trim() } : {}),
        inputs: given,
      });
      navigate(`/runs/${started.run_id}`);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const listed = Array.isArray(error.problem.errors) ? error.problem.errors : [];
      /** @type {Record<string, string>} */
      const byInput = {};
      for (const item of /** @type {{ input?: unknown, message?: unknown }[]} */ (listed))
        if (typeof item.input === 'string' && typeof item.message === 'string')
          byInput[item.input] = byInput[item.input]
            ? `${byInput[item.input]}; ${item.message}`
            : item.message;
      setErrors(byInput);
      setProblem(byInput[''] ?? error.detail);
    } finally {
      setBusy(false);
    }
  };

  return html`<section class="card start-run">
    <header class="card-head"><h1>Run a pipeline</h1></header>
    <form class="start-form" onSubmit=${submit} noValidate>
      <label for="start-pipeline">Pipeline (pipeline.yaml text with a <code>manual</code> trigger)</label>
      <textarea
        id="start-pipeline"
        name="pipeline"
        rows="12"
        spellcheck=${false}
        value=${pipeline}
        onInput=${(/** @type {Event} */ e) => {
          setPipeline(/** @type {HTMLTextAreaElement} */ (e.currentTarget).value);
          setInputs(null);
        }}
      ></textarea>
      <label for="start-repo">Repository <span class="muted small">(owner/name, optional)</span></label>
      <input id="start-repo" name="repo" value=${repo} onInput=${(/** @type {Event} */ e) => setRepo(/** @type {HTMLInputElement} */ (e.currentTarget).value)} />
      <div class="dialog-buttons">
        <button type="button" class="button" name="load" disabled=${busy || !pipeline.trim()} onClick=${load}>
          ${inputs ? 'Reload inputs' : 'Read its inputs'}
        </button>
      </div>
      ${
        inputs
          ? html`<fieldset class="inputs">
              <legend>Inputs</legend>
              ${inputs.length === 0 ? html`<p class="muted">This pipeline declares no inputs.</p>` : null}
              ${inputs.map(
                (input) => html`<${InputField}
                  key=${input.name}
                  input=${input}
                  value=${values[input.name] ?? ''}
                  error=${errors[input.name]}
                  set=${(/** @type {string | boolean} */ v) => setValues({ ...values, [input.name]: v })}
                />`,
              )}
            </fieldset>
            <div class="dialog-buttons">
              <button type="submit" class="button primary" name="start" disabled=${busy}>Run pipeline</button>
            </div>`
          : null
      }
      ${problem ? html`<p class="form-error" role="alert">${problem}</p>` : null}
    </form>
  </section>`;
}
