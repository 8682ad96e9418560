/**
 * The JSON Schema of Packit's `.packit.yaml`, written once in TypeBox: the loader validates
 * files with it, and `schemas/packit.schema.json` (for editors) is generated from it
 * (`npm run schemas`; a test fails when the file is stale). It describes the file as written,
 * so every error points at the place it is written, not at each job that inherits it.
 */
import Type from 'typebox';
import { BooleanSchema, optional } from './schema/fields.js';
import { JobSchema, MetadataSchema, PACKAGE_KEYS, PackageScopeSchema } from './schema/job-keys.js';
import { SHARED_SHAPES } from './schema/shapes.js';

export { JOB_ONLY_KEYS, METADATA_KEYS, PACKAGE_KEYS } from './schema/job-keys.js';
export { ACTION_NAMES, BOOTSTRAP_MODES, DEPLOYMENTS } from './schema/shapes.js';

export const PACKIT_SCHEMA_ID = 'https://forgeflow.dev/schemas/packit.schema.json';

export const PackitConfigSchema = Type.Object(
  {
    ...optional(PACKAGE_KEYS),
    packages: Type.Optional(
      Type.Record(Type.String(), Type.Ref('#/definitions/package'), {
        description:
          'Packages built from this repository (monorepos, or variants of one package), keyed by name.',
      }),
    ),
    jobs: Type.Optional(
      Type.Array(Type.Ref('#/definitions/job'), {
        description:
          'What Packit does and when. Default (when absent): Copr builds and tests on pull requests, propose_downstream on releases; [] means none.',
      }),
    ),
    _: Type.Optional(
      Type.Unknown({ description: 'Ignored by Packit: a place to keep YAML anchors.' }),
    ),
  },
  {
    $id: PACKIT_SCHEMA_ID,
    title: 'Packit configuration (.packit.yaml)',
    description:
      'Packit configuration: package settings at the top level (or per package under `packages`) and `jobs`; https://packit.dev/docs/configuration',
    additionalProperties: false,
    definitions: {
      package: PackageScopeSchema,
      job: JobSchema,
      metadata: MetadataSchema,
      ...SHARED_SHAPES,
      boolean: BooleanSchema,
    },
  },
);

/** The published JSON Schema text, exactly as `schemas/packit.schema.json` holds it. */
export function publishedPackitSchema(): string {
  const schema = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...(JSON.parse(JSON.stringify(PackitConfigSchema)) as Record<string, unknown>),
  };
  return JSON.stringify(schema, null, 2) + '\n';
}
