import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { EVENT_FIELDS } from '../../src/expressions/language.js';
import { publishedPackitSchema } from '../../src/compiler/packit/schema.js';
import { publishedPipelineSchema } from '../../src/compiler/schema/publish.js';
import { normalizeEvent } from '../../src/forges/normalize.js';
import type { Comment, Release } from '../../src/events/event.js';

const published = readFileSync(
  new URL('../../schemas/pipeline.schema.json', import.meta.url),
  'utf8',
);
const publishedPackit = readFileSync(
  new URL('../../schemas/packit.schema.json', import.meta.url),
  'utf8',
);

describe('schemas/pipeline.schema.json', () => {
  it('is what the TypeBox source generates (run `npm run schemas` when this fails)', () => {
    expect(published).toBe(publishedPipelineSchema());
  });

  it('schemas/packit.schema.json is what the TypeBox source generates (`npm run schemas`)', () => {
    expect(publishedPackit).toBe(publishedPackitSchema());
  });

  it('documents every key with a description, so editors show help', () => {
    const undocumented: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${path}[${i}]`));
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      for (const [key, child] of Object.entries(
        (record.properties as Record<string, unknown>) ?? {},
      )) {
        const described = (child as { description?: unknown }).description;
        if (typeof described !== 'string' || described.length < 5)
          undocumented.push(`${path}.${key}`);
      }
      for (const [key, child] of Object.entries(record)) visit(child, `${path}/${key}`);
    };
    visit(JSON.parse(published), '#');
    visit(JSON.parse(publishedPackit), 'packit#');
    expect(undocumented).toEqual([]);
  });

  it('accepts the example pipeline, which starts with the yaml-language-server schema comment', () => {
    const text = readFileSync(new URL('../../examples/pipeline.yaml', import.meta.url), 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=../schemas/pipeline.schema.json')).toBe(
      true,
    );
    const validate = new Ajv({ strict: false }).compile(JSON.parse(published) as object);
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });
});

describe('expression vocabulary', () => {
  it('knows exactly the fields a normalized event has', () => {
    const payload = JSON.parse(
      readFileSync(
        new URL('../../examples/events/github-pull_request-opened.json', import.meta.url),
        'utf8',
      ),
    ) as unknown;
    const result = normalizeEvent('github', 'pull_request', payload);
    if (!result.ok) throw new Error(result.ignored);
    const event = result.event as unknown as Record<string, Record<string, unknown>>;
    expect([...(EVENT_FIELDS[''] ?? [])].sort()).toEqual(Object.keys(event).sort());
    for (const field of ['repo', 'pr', 'sender'] as const) {
      expect([...(EVENT_FIELDS[field] ?? [])].sort(), field).toEqual(
        Object.keys(event[field] ?? {}).sort(),
      );
    }
    const comment = { id: 1, body: '', author: '', author_association: null, url: null };
    const release = { tag: '', name: null, draft: false, prerelease: false, url: null };
    // Compile-time twins of src/events/event.ts's Comment and Release: adding a field there breaks this.
    const typedComment: Comment = comment;
    const typedRelease: Release = release;
    expect([...(EVENT_FIELDS.comment ?? [])].sort()).toEqual(Object.keys(typedComment).sort());
    expect([...(EVENT_FIELDS.release ?? [])].sort()).toEqual(Object.keys(typedRelease).sort());
  });
});
