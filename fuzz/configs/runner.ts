/**
 * The configs target inside a sandbox child: compiles each case through the compiler's real
 * entry points (compilePipeline, which validates first, or compilePackit) against its event
 * and judges the answer. An exception escaping those entry points is a crash: they promise to
 * turn every failure into diagnostics.
 */
import { compilePackit, compilePipeline, type CompileResult } from '../../src/compiler/index.js';
import { builtInRegistry } from '../../src/handlers/catalog.js';
import type { Verdict } from '../outcomes.js';
import type { Runner } from '../sandbox/protocol.js';
import { checkCompileResult } from './check-answer.js';
import { loadEvents } from './events.js';
import type { ConfigCase } from './generate.js';

export interface ConfigAnswer {
  verdict: Verdict;
  status: CompileResult['status'];
  nodes: number;
}

export function prepare(): Promise<Runner> {
  const events = loadEvents();
  const compile = (input: ConfigCase): CompileResult => {
    const event = events[input.event % events.length]!;
    return input.kind === 'packit'
      ? compilePackit(input.text, event, {
          file: input.file,
          repoName: event.repo.name,
          handlers: builtInRegistry,
        })
      : compilePipeline(input.text, event, { file: input.file, handlers: builtInRegistry });
  };
  // The first compile loads schemas and validators: not part of any case's time.
  compile({
    kind: 'pipeline',
    file: 'pipeline.yaml',
    text: 'version: 1\non: push\njobs: {}\n',
    event: 0,
    origin: 'warm-up',
  });
  compile({
    kind: 'packit',
    file: '.packit.yaml',
    text: 'jobs: []\n',
    event: 0,
    origin: 'warm-up',
  });
  return Promise.resolve({
    run(input: unknown): Promise<ConfigAnswer> {
      const config = input as ConfigCase;
      const result = compile(config);
      return Promise.resolve({
        verdict: checkCompileResult(config.text, result),
        status: result.status,
        nodes: result.status === 'graph' ? result.graph.nodes.length : 0,
      });
    },
  });
}
