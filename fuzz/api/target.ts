/** The api target: every route of /api/v1 with mutated parameters, bodies and tokens. */
import { httpTarget } from '../server/http-target.js';
import type { ServerInfo } from '../server/runner.js';
import type { ServerInit } from '../server/setup.js';
import type { Target } from '../target.js';
import { generateApiCase, routesToFuzz, type ApiCase } from './generate.js';

export function apiTarget(init: ServerInit, _seed: number): Target<ApiCase> {
  return {
    ...httpTarget<ApiCase>('api', init, (random, _index, info) =>
      generateApiCase(random, (info as ServerInfo).routes),
    ),
    notes(info) {
      const { unknown } = routesToFuzz((info as ServerInfo).routes);
      return unknown.length === 0
        ? []
        : [
            `fuzzed without a catalogue entry (fuzz/api/routes.ts): ${unknown.map((r) => `${r.method} ${r.path}`).join(', ')}`,
          ];
    },
  };
}
