/**
 * Deferred secrets (src/expressions/secrets.ts): which templates are kept as written until an
 * attempt starts (decided on the template, never on evaluated text), and how they are resolved
 * then; plus the compiler's side: a pipeline reading secrets compiles to a graph that holds the
 * expression only.
 */
import { describe, expect, it } from 'vitest';
import { evaluateValue } from '../../src/expressions/evaluate.js';
import {
  deferredSecrets,
  keepSecretTemplates,
  readsSecrets,
  resolveDeferred,
  secretNamesIn,
} from '../../src/expressions/secrets.js';
import { graphOf, push } from '../compiler/helpers.js';

describe('which templates wait for the attempt', () => {
  it('are those that read secrets, directly or through an env variable set from one', () => {
    expect(readsSecrets('Bearer ${{ secrets.TOKEN }}')).toBe(true);
    expect(readsSecrets("${{ format('x{0}', secrets.token) }}")).toBe(true);
    expect(readsSecrets('${{ env.TOKEN }}', new Set(['TOKEN']))).toBe(true);
    expect(readsSecrets('${{ env.TOKEN }}')).toBe(false);
    expect(readsSecrets("${{ '${{ secrets.TOKEN }}' }}")).toBe(false);
    expect(readsSecrets('plain text')).toBe(false);
    expect(secretNamesIn('${{ secrets.a_token }}:${{ secrets.B }}:${{ secrets.A_TOKEN }}')).toEqual(
      ['A_TOKEN', 'B'],
    );
  });

  it('are kept as written when the rest is evaluated, and event text is never one', () => {
    const input = {
      headers: { Authorization: 'Bearer ${{ secrets.TOKEN }}', 'X-Title': '${{ event.title }}' },
      list: ['${{ env.KEY }}', '${{ event.title }}'],
    };
    const env = { KEY: '${{ secrets.KEY }}', PLAIN: 'x' };
    const context = { event: { title: '${{ secrets.TOKEN }}' } };
    const stored = evaluateValue(input, context, { keep: keepSecretTemplates(env) });
    expect(stored).toEqual({
      headers: { Authorization: 'Bearer ${{ secrets.TOKEN }}', 'X-Title': '${{ secrets.TOKEN }}' },
      list: ['${{ env.KEY }}', '${{ secrets.TOKEN }}'],
    });
    const deferred = deferredSecrets(input, env);
    expect(deferred).toEqual({
      paths: [
        ['headers', 'Authorization'],
        ['list', 0],
      ],
      env: { KEY: '${{ secrets.KEY }}' },
    });
    // Only the config's templates are resolved: the title that looks like one stays text.
    expect(resolveDeferred(stored, deferred, { TOKEN: 'tok-1', KEY: 'key-2' })).toEqual({
      headers: { Authorization: 'Bearer tok-1', 'X-Title': '${{ secrets.TOKEN }}' },
      list: ['key-2', '${{ secrets.TOKEN }}'],
    });
    expect(stored).toMatchObject({ headers: { Authorization: 'Bearer ${{ secrets.TOKEN }}' } });
  });

  it('keeps a key named __proto__ an ordinary property when it resolves one', () => {
    const stored = JSON.parse('{"__proto__": "${{ secrets.T }}"}') as unknown;
    const resolved = resolveDeferred(stored, { paths: [['__proto__']], env: {} }, { T: 'value' });
    expect(Object.getPrototypeOf(resolved)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(resolved, '__proto__')?.value).toBe('value');
  });
});

describe('a pipeline that reads secrets', () => {
  it('compiles to a graph that holds the expression, never a value', () => {
    const { graph } = graphOf(
      `version: 1
on: [push]
env: { REGISTRY_TOKEN: "\${{ secrets.REGISTRY_TOKEN }}" }
jobs:
  publish:
    uses: http.request
    with:
      url: https://registry.example/api
      headers: { Authorization: "Bearer \${{ secrets.TOKEN }}", X-Registry: "\${{ env.REGISTRY_TOKEN }}" }
  deploy:
    uses: exec
    with:
      command: [./deploy.sh, "\${{ event.sha }}"]
      env: { DEPLOY_KEY: "\${{ secrets.DEPLOY_KEY }}" }
`,
      push('main'),
    );
    const text = JSON.stringify(graph);
    expect(text).toContain('Bearer ${{ secrets.TOKEN }}');
    expect(graph.env).toEqual({ REGISTRY_TOKEN: '${{ secrets.REGISTRY_TOKEN }}' });
  });
});
