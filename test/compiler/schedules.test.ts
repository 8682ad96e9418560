import { describe, expect, it } from 'vitest';
import { scheduleEvent } from '../../src/events/schedule-event.js';
import { shortestGapMinutes } from '../../src/compiler/cron.js';
import { compile, manual, push, withTriggers } from './helpers.js';

const repo = manual().repo;

function fired(cron: string, timezone = 'UTC') {
  return scheduleEvent({
    forge: 'github',
    repo: { ...repo, default_branch: 'main' },
    installationId: null,
    firing: {
      cron,
      timezone,
      path: 'pipeline.yaml',
      due_at: '2026-01-01T03:00:00.000Z',
      missed: 0,
      missed_since: null,
    },
  });
}

function errors(on: string): string[] {
  const result = compile(withTriggers(on), manual());
  return result.status === 'invalid'
    ? result.diagnostics.map((d) => `${d.line}:${d.column}: ${d.message} [${d.rule}]`)
    : [];
}

describe('on.schedule', () => {
  it('is declared, with its time zone filled in, whatever event is compiled', () => {
    const on =
      '  push:\n  schedule:\n    - cron: "0 3 * * *"\n    - cron: "30 6 * * 1-5"\n      timezone: Europe/Prague';
    for (const event of [push('main'), fired('0 3 * * *')]) {
      const result = compile(withTriggers(on), event);
      expect(result.status).toBe('graph');
      expect(result.status !== 'invalid' && result.schedules).toEqual([
        { cron: '0 3 * * *', timezone: 'UTC' },
        { cron: '30 6 * * 1-5', timezone: 'Europe/Prague' },
      ]);
    }
  });

  it('matches only a firing of its own cron and time zone', () => {
    const on =
      '  schedule:\n    - cron: "0 3 * * *"\n    - cron: "0 4 * * *"\n      timezone: Europe/Prague';
    expect(compile(withTriggers(on), fired('0 3 * * *')).status).toBe('graph');
    expect(compile(withTriggers(on), fired('0 4 * * *', 'Europe/Prague')).status).toBe('graph');
    const other = compile(withTriggers(on), fired('0 4 * * *'));
    expect(other.status === 'not-triggered' && other.misses).toEqual([
      { trigger: 'schedule', reason: 'the pipeline declares no schedule "0 4 * * *" in UTC' },
    ]);
    const pushed = compile(withTriggers(on), push('main'));
    expect(pushed.status === 'not-triggered' && pushed.misses.map((m) => m.reason)).toEqual([
      'the event is a push (pushed), not a scheduled firing',
      'the pipeline has no push trigger',
    ]);
    // A pipeline without on.schedule is not started by a firing.
    const noSchedule = compile(withTriggers('  push:'), fired('0 3 * * *'));
    expect(noSchedule.status).toBe('not-triggered');
  });

  it('gives the graph the schedule trigger, and jobs may narrow to it', () => {
    const text = `version: 1
on:
  push:
  schedule: [{ cron: "0 3 * * *" }]
jobs:
  nightly: { on: [schedule], uses: exec, with: { command: ["true"] } }
  always: { uses: exec, with: { command: ["true"] } }
`;
    const result = compile(text, fired('0 3 * * *'));
    if (result.status !== 'graph') throw new Error(result.status);
    expect(result.graph.trigger).toMatchObject({ name: 'schedule', kind: 'schedule' });
    expect(result.graph.nodes.map((n) => n.id)).toEqual(['nightly', 'always']);
    const pushed = compile(text, push('main'));
    expect(pushed.status === 'graph' && pushed.graph.nodes.map((n) => n.id)).toEqual(['always']);
  });

  it('refuses bad expressions, unknown zones, too frequent and repeated schedules, at their place', () => {
    expect(
      errors(`  schedule:
    - cron: "61 * * * *"
    - cron: "0 3 * *"
    - cron: "*/4 * * * *"
    - cron: "0 3 * * *"
      timezone: Europe/Prag
    - cron: "? 3 * * *"
    - cron: "*/5 * * * *"
    - cron: "*/5 * * * *"`),
    ).toEqual([
      '4:13: "61 * * * *" is not a schedule: Invalid value for minute: 61 [schedule]',
      '5:13: "0 3 * *" is not a schedule: a cron expression has five fields (minute hour day-of-month month day-of-week); this has 4 [schedule]',
      '6:13: "*/4 * * * *" is not a schedule: it can fire 4 minutes apart; schedules fire at most once every 5 minutes (as GitHub Actions\' do) [schedule]',
      '8:17: unknown time zone "Europe/Prag"; did you mean "Europe/Prague"? (an IANA name such as "Europe/Prague", or "UTC") [schedule]',
      '9:13: "? 3 * * *" is not a schedule: "?" is not supported (croner reads it as "now"); use "*" for any value [schedule]',
      '11:7: schedule "*/5 * * * *" is declared twice; it would fire once anyway [schedule]',
    ]);
    expect(errors('  schedule')).toEqual([
      '3:3: the schedule trigger needs its cron expressions: on: { schedule: [{ cron: "0 3 * * *" }] } [schedule]',
    ]);
    const many = Array.from({ length: 21 }, (_, i) => `    - cron: "${i} 3 * * *"`).join('\n');
    expect(errors(`  schedule:\n${many}`)).toEqual([
      '4:5: "on.schedule" may have at most 20 items [schema]',
    ]);
  });

  it('measures the shortest gap across hours and across midnight', () => {
    const minutes = (...ms: number[]) =>
      Array.from({ length: 60 }, (_, m) => (ms.includes(m) ? 1 : 0));
    const hours = (...hs: number[]) =>
      Array.from({ length: 24 }, (_, h) => (hs.includes(h) ? 1 : 0));
    expect(shortestGapMinutes(minutes(0), hours(3))).toBe(24 * 60);
    expect(shortestGapMinutes(minutes(58), hours(3, 4))).toBe(60);
    expect(shortestGapMinutes(minutes(0, 58), hours(3, 4))).toBe(2);
    expect(shortestGapMinutes(minutes(0, 59), hours(0, 23))).toBe(1); // 23:59 → 00:00
    expect(errors('  schedule: [{ cron: "0,59 0,23 * * *" }]')).toHaveLength(1);
    expect(errors('  schedule: [{ cron: "@daily" }, { cron: "0 3 L * *" }]')).toEqual([]);
  });
});
