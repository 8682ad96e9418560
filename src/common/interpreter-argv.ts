/**
 * Where a shell's or an interpreter's argv (sh, python, node, perl, …) holds code: its code
 * options (`-c`, `-e`), the script or code operand, and options a spliced value could still
 * become. Read against the program's InterpreterRule (exec-rules.ts); argv-analysis.ts calls it
 * once it knows the program is one.
 */
import type { InterpreterRule } from './exec-rules.js';
import {
  couldBeOption,
  roleKind,
  type Arg,
  type Finding,
  type FindingKind,
} from './argv-findings.js';
import { dynamicOption, isOption, readOption } from './option-reading.js';

export function analyzeInterpreter(
  rule: InterpreterRule,
  name: string,
  args: readonly Arg[],
  findings: Finding[],
): void {
  const report = (arg: Arg, kind: FindingKind, shown = '') =>
    findings.push({
      index: arg.index,
      kind,
      program: shown === '' ? name : `${name} ${shown}`,
      why: '',
      readEnv: rule.readEnv,
    });
  let codeGiven = false;
  let operandCode: string | undefined;
  let operandSeen = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const optionsOpen = !operandSeen || rule.permutes === true;
    if (optionsOpen && !arg.dynamic && arg.prefix === '--') {
      const next = args[i + 1];
      if (!operandSeen && next) expectOperand(next);
      return;
    }
    if (optionsOpen && arg.dynamic && couldBeOption(arg, rule)) {
      if (arg.prefix === '' && !operandSeen) {
        // Either an option or the operand the program reads next: the code or the script.
        report(
          arg,
          operandCode ? 'code' : codeGiven ? 'option' : firstOperandKind(rule),
          operandCode,
        );
        if (!codeGiven) return;
        continue;
      }
      if (arg.prefix === '') {
        report(arg, 'option');
        continue;
      }
      const { role, shown } = dynamicOption(arg.prefix, rule);
      if (role !== 'data') report(arg, roleKind(role), shown);
      continue;
    }
    if (optionsOpen && !arg.dynamic && isOption(arg.prefix, rule)) {
      const read = readOption(arg.prefix, rule);
      if (read.operandCode) operandCode = read.operandCode;
      if (read.role === undefined) continue;
      const ends = read.role === 'code' || read.role === 'script';
      if (!read.attached) {
        const value = args[++i];
        if (value?.dynamic && read.role !== 'data') report(value, roleKind(read.role), read.shown);
      }
      if (ends) {
        codeGiven = true;
        if (rule.codeEndsOptions) return;
      }
      continue;
    }
    if (!operandSeen) {
      operandSeen = true;
      if (arg.dynamic)
        report(
          arg,
          operandCode ? 'code' : codeGiven ? 'option' : firstOperandKind(rule),
          operandCode,
        );
      if (!rule.permutes) return; // the rest are the script's (or $0, $1, …): data
    }
  }

  function expectOperand(next: Arg): void {
    if (!next.dynamic || codeGiven) return;
    report(next, operandCode ? 'code' : firstOperandKind(rule), operandCode);
  }
}

function firstOperandKind(rule: InterpreterRule): FindingKind {
  return rule.firstOperand === 'code' ? 'code' : 'script';
}
