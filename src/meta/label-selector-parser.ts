// The label selector query-string lexer and parser, following upstream pkg/labels/selector.go token for token.
import { aggregateMessage, invalidCause } from './field-errors.js';
import { newRequirement, SelectorError, type LabelOperator, type LabelRequirement } from './label-requirement.js';
import { isQualifiedName } from './name-validation.js';

// Tokens, numbered as upstream's (ErrorToken is 0 and doubles as "none yet").
const T_ERROR = 0;
const T_EOS = 1;
const T_CLOSE = 2;
const T_COMMA = 3;
const T_NOT = 4;
const T_DOUBLE_EQ = 5;
const T_EQ = 6;
const T_GT = 7;
const T_IDENT = 8;
const T_IN = 9;
const T_LT = 10;
const T_NOT_EQ = 11;
const T_NOT_IN = 12;
const T_OPEN = 13;

const literalTokens = new Map<string, number>([
  [')', T_CLOSE],
  [',', T_COMMA],
  ['!', T_NOT],
  ['==', T_DOUBLE_EQ],
  ['=', T_EQ],
  ['>', T_GT],
  ['in', T_IN],
  ['<', T_LT],
  ['!=', T_NOT_EQ],
  ['notin', T_NOT_IN],
  ['(', T_OPEN],
]);

const binaryOperators = 'in, notin, =, ==, !=, gt, lt';

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

function isSpecial(c: number): boolean {
  return c === 0x3d || c === 0x21 || c === 0x28 || c === 0x29 || c === 0x2c || c === 0x3e || c === 0x3c;
}

/** upstream's Lexer: a NUL character, like the end of input, reads as 0 and ends the token. */
function tokenize(s: string): { toks: number[]; lits: string[] } {
  let pos = 0;
  const read = (): number => (pos < s.length ? s.charCodeAt(pos++) : 0);
  const toks: number[] = [];
  const lits: string[] = [];
  for (;;) {
    let ch = read();
    while (isWhitespace(ch)) ch = read();
    if (ch === 0) {
      toks.push(T_EOS);
      lits.push('');
      return { toks, lits };
    }
    pos--;
    const start = pos;
    if (isSpecial(ch)) {
      // Longest run of symbols that still forms a token.
      let tok = T_ERROR;
      let lit = '';
      for (;;) {
        const c = read();
        if (c === 0) break;
        if (!isSpecial(c)) {
          pos--;
          break;
        }
        const candidate = s.slice(start, pos);
        const t = literalTokens.get(candidate);
        if (t !== undefined) {
          tok = t;
          lit = candidate;
        } else if (tok !== T_ERROR) {
          pos--;
          break;
        }
      }
      toks.push(tok);
      lits.push(tok === T_ERROR ? `error expected: keyword found '${s.slice(start, pos)}'` : lit);
    } else {
      let end = start;
      for (;;) {
        const at = pos;
        const c = read();
        if (c === 0 || isSpecial(c) || isWhitespace(c)) {
          if (c !== 0) pos--;
          end = at;
          break;
        }
      }
      const lit = s.slice(start, end);
      toks.push(literalTokens.get(lit) ?? T_IDENT);
      lits.push(lit);
    }
  }
}

class Parser {
  private position = 0;
  private readonly toks: number[];
  private readonly lits: string[];

  constructor(input: string) {
    ({ toks: this.toks, lits: this.lits } = tokenize(input));
  }

  /** In value context `in` and `notin` are plain identifiers (`x=in` is valid). */
  private peek(values: boolean): number {
    const t = this.toks[this.position];
    return values && (t === T_IN || t === T_NOT_IN) ? T_IDENT : t;
  }

  private peekLit(): string {
    return this.lits[this.position];
  }

  private next(values: boolean): [number, string] {
    const t = this.peek(values);
    const l = this.lits[this.position++];
    return [t, l];
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const tok = this.peek(true);
      if (tok === T_EOS) return reqs;
      if (tok !== T_IDENT && tok !== T_NOT) {
        throw new SelectorError(`found '${this.peekLit()}', expected: !, identifier, or 'end of string'`);
      }
      try {
        reqs.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof SelectorError) throw new SelectorError(`unable to parse requirement: ${e.message}`);
        throw e;
      }
      const [t, l] = this.next(true);
      if (t === T_EOS) return reqs;
      if (t !== T_COMMA) throw new SelectorError(`found '${l}', expected: ',' or 'end of string'`);
      const t2 = this.peek(true);
      if (t2 !== T_IDENT && t2 !== T_NOT) {
        throw new SelectorError(`found '${this.peekLit()}', expected: identifier after ','`);
      }
    }
  }

  private parseRequirement(): LabelRequirement {
    let [tok, key] = this.next(true);
    let negated = false;
    if (tok === T_NOT) {
      negated = true;
      [tok, key] = this.next(true);
    }
    if (tok !== T_IDENT) throw new SelectorError(`found '${key}', expected: identifier`);
    const keyErrs = isQualifiedName(key);
    // The parser validates the key against a nil field path, which Go prints as "<nil>".
    if (keyErrs.length > 0) throw new SelectorError(aggregateMessage([invalidCause('<nil>', key, keyErrs.join('; '))]));
    const after = this.peek(true);
    if (negated) return newRequirement(key, '!', []);
    if (after === T_EOS || after === T_COMMA) return newRequirement(key, 'exists', []);
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort());
  }

  private parseOperator(): LabelOperator {
    const [tok, lit] = this.next(false);
    switch (tok) {
      case T_IN:
        return 'in';
      case T_EQ:
        return '=';
      case T_DOUBLE_EQ:
        return '==';
      case T_GT:
        return 'gt';
      case T_LT:
        return 'lt';
      case T_NOT_IN:
        return 'notin';
      case T_NOT_EQ:
        return '!=';
      default:
        throw new SelectorError(`found '${lit}', expected: ${binaryOperators}`);
    }
  }

  private parseValues(): Set<string> {
    const [tok, lit] = this.next(true);
    if (tok !== T_OPEN) throw new SelectorError(`found '${lit}' expected: '('`);
    const ahead = this.peek(true);
    const aheadLit = this.peekLit();
    if (ahead === T_IDENT || ahead === T_COMMA) {
      const s = this.parseIdentifiersList();
      if (this.next(true)[0] !== T_CLOSE) throw new SelectorError(`found '${aheadLit}', expected: ')'`);
      return s;
    }
    if (ahead === T_CLOSE) {
      this.position++;
      return new Set(['']); // "()" means the single empty value
    }
    throw new SelectorError(`found '${aheadLit}', expected: ',', ')' or identifier`);
  }

  /** A comma-separated list whose elements may be empty: "(,a,)" holds "", "a". */
  private parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const [tok, lit] = this.next(true);
      if (tok === T_IDENT) {
        s.add(lit);
        const t2 = this.peek(true);
        if (t2 === T_COMMA) continue;
        if (t2 === T_CLOSE) return s;
        throw new SelectorError(`found '${this.peekLit()}', expected: ',' or ')'`);
      }
      if (tok !== T_COMMA) throw new SelectorError(`found '${lit}', expected: ',', or identifier`);
      if (s.size === 0) s.add('');
      const t2 = this.peek(true);
      if (t2 === T_CLOSE) {
        s.add('');
        return s;
      }
      if (t2 === T_COMMA) s.add('');
    }
  }

  private parseExactValue(): Set<string> {
    const ahead = this.peek(true);
    if (ahead === T_EOS || ahead === T_COMMA) return new Set(['']);
    const [tok, lit] = this.next(true);
    if (tok === T_IDENT) return new Set([lit]);
    throw new SelectorError(`found '${lit}', expected: identifier`);
  }
}

/** upstream labels.Parse without the final sort; throws SelectorError with upstream's message. */
export function parseRequirements(s: string): LabelRequirement[] {
  return new Parser(s).parse();
}
