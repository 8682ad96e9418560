/**
 * The words of ChatOps replies (src/handlers/plan/chatops-reply.ts): whatever came from a
 * comment sits in one bounded, inert code span; no reply holds a line GitLab or forgeflow
 * would read as a command.
 */
import { describe, expect, it } from 'vitest';
import { mayHoldCommand } from '../../src/contracts/comment-commands.js';
import { commandLine, inert, replyText } from '../../src/handlers/plan/chatops-reply.js';

describe('inert', () => {
  it('keeps a command readable in a code span', () => {
    expect(inert('/forgeflow signal deploy {"env": "prod"}', 80)).toBe(
      '`/forgeflow signal deploy {"env": "prod"}`',
    );
  });

  it('cannot close its span, mention anyone, break a line or hide text direction', () => {
    const quoted = inert('a `b` ``c``\n@everyone\u202e\u200b<b>x</b>\t', 80);
    expect(quoted).toBe("`a 'b' ''c'' @\u200beveryone<b>x</b>`");
  });

  it('is bounded in characters, not UTF-16 units', () => {
    expect(inert('🚀'.repeat(100), 10)).toBe(`\`${'🚀'.repeat(9)}…\``);
    expect(inert('', 10)).toBe('` `');
  });
});

describe('replyText', () => {
  const hostile = 'Please\r\n  /forgeflow frobnicate @team `x` <script>\n/assign @root';

  it('quotes the command line only', () => {
    expect(commandLine(hostile)).toBe('/forgeflow frobnicate @team `x` <script>');
  });

  for (const forge of ['github', 'gitlab'] as const) {
    it(`never starts a line with "/" (${forge})`, () => {
      const rejected = replyText(
        forge,
        hostile,
        { kind: 'rejected', why: 'unknown command "frobnicate"\n/label ~x', commands: 'forgeflow' },
        24,
      );
      const refused = replyText(forge, hostile, { kind: 'refused', why: '@x is NONE' }, 24);
      const packit = replyText(
        forge,
        '/packit nope',
        { kind: 'rejected', why: "unknown command 'nope'", commands: 'packit' },
        24,
      );
      for (const reply of [rejected, refused, packit]) {
        expect(mayHoldCommand(reply)).toBe(false);
        expect(reply).not.toMatch(/@(team|root|x)\b/);
      }
      expect(refused).toContain('once per person and pull request in 24 hours');
    });
  }
});
