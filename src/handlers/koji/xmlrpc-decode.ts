/**
 * Reading an XML-RPC `methodResponse`, strictly and within bounds: the answer comes from a
 * server forgeflow does not control (or from whoever sits between), so the parser takes only
 * the XML that XML-RPC needs (elements, text, the five predefined entities and character
 * references), refuses DOCTYPEs, CDATA, comments and processing instructions beyond the XML
 * declaration (no entity expansion can happen), and stops at a depth and a number of elements.
 * Values: struct, array, int/i4/i8, boolean, double, string, nil (also `ex:` spelt, as Apache
 * extensions write them), dateTime.iso8601 and base64 (both kept as their text).
 */

export interface XmlRpcFault {
  faultCode: number;
  faultString: string;
}

export type XmlRpcResponse = { ok: true; value: unknown } | { ok: false; fault: XmlRpcFault };

export interface XmlRpcLimits {
  /** Elements nested in one another (methodResponse counts one). */
  maxDepth: number;
  /** Elements in the whole answer. */
  maxElements: number;
}

/** A struct in a struct in an array… 64 elements deep is about 20 levels of values. */
export const DEFAULT_XMLRPC_LIMITS: XmlRpcLimits = { maxDepth: 64, maxElements: 500_000 };

export class XmlRpcParseError extends Error {
  override name = 'XmlRpcParseError';
}

interface Element {
  name: string;
  children: Element[];
  text: string;
}

const NAME = /[A-Za-z_][\w.:-]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeMethodResponse(
  xml: string,
  limits: XmlRpcLimits = DEFAULT_XMLRPC_LIMITS,
): XmlRpcResponse {
  const root = new Parser(xml, limits).document();
  if (root.name !== 'methodResponse') fail(`expected <methodResponse>, got <${root.name}>`);
  const [body, ...rest] = only(root);
  if (body === undefined || rest.length > 0) fail('<methodResponse> holds one <params> or <fault>');
  if (body.name === 'fault') {
    const fault = valueOf(single(body, 'value'));
    if (!isRecord(fault)) fail('a <fault> holds a struct');
    const { faultCode, faultString } = fault;
    if (typeof faultCode !== 'number' || typeof faultString !== 'string')
      fail('a <fault> struct has an int faultCode and a string faultString');
    return { ok: false, fault: { faultCode, faultString } };
  }
  if (body.name !== 'params') fail(`expected <params> or <fault>, got <${body.name}>`);
  const param = single(body, 'param');
  return { ok: true, value: valueOf(single(param, 'value')) };
}

function valueOf(value: Element): unknown {
  const children = only(value);
  if (children.length === 0) return value.text; // untyped: a string
  if (children.length > 1 || value.text.trim() !== '') fail('a <value> holds one typed value');
  const typed = children[0]!;
  const text = typed.text;
  switch (localName(typed.name)) {
    case 'string':
      noChildren(typed);
      return text;
    case 'int':
    case 'i4':
    case 'i8':
      return integer(typed);
    case 'boolean':
      noChildren(typed);
      if (text.trim() === '1') return true;
      if (text.trim() === '0') return false;
      return fail(`not an XML-RPC boolean: ${show(text)}`);
    case 'double': {
      noChildren(typed);
      const n = Number(text.trim());
      if (text.trim() === '' || !Number.isFinite(n)) fail(`not an XML-RPC double: ${show(text)}`);
      return n;
    }
    case 'nil':
      noChildren(typed);
      if (text.trim() !== '') fail('<nil/> holds nothing');
      return null;
    case 'dateTime.iso8601':
      noChildren(typed);
      if (!/^\d{8}T\d{2}:?\d{2}:?\d{2}/.test(text.trim())) fail(`not a dateTime: ${show(text)}`);
      return text.trim();
    case 'base64':
      noChildren(typed);
      if (!/^[A-Za-z0-9+/=\s]*$/.test(text)) fail('not base64');
      return text.replace(/\s/g, '');
    case 'struct':
      return struct(typed);
    case 'array': {
      const data = single(typed, 'data');
      return only(data).map((item) => {
        if (item.name !== 'value') fail(`<data> holds <value>s, not <${item.name}>`);
        return valueOf(item);
      });
    }
    default:
      return fail(`unknown XML-RPC type <${typed.name}>`);
  }
}

function struct(element: Element): Record<string, unknown> {
  // No prototype: a member named __proto__ or constructor is just a member.
  const result = Object.create(null) as Record<string, unknown>;
  for (const member of only(element)) {
    if (member.name !== 'member') fail(`<struct> holds <member>s, not <${member.name}>`);
    const parts = only(member);
    const name = parts.find((p) => p.name === 'name');
    const value = parts.find((p) => p.name === 'value');
    if (parts.length !== 2 || name === undefined || value === undefined)
      fail('a <member> holds one <name> and one <value>');
    noChildren(name);
    result[name.text] = valueOf(value);
  }
  return result;
}

function integer(element: Element): number {
  noChildren(element);
  const text = element.text.trim();
  if (!/^[+-]?\d{1,20}$/.test(text)) fail(`not an XML-RPC integer: ${show(text)}`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) fail(`integer beyond 2^53: ${show(text)}`);
  return n;
}

function localName(name: string): string {
  return name.startsWith('ex:') ? name.slice(3) : name;
}

function only(element: Element): Element[] {
  return element.children;
}

function single(element: Element, name: string): Element {
  const children = only(element);
  if (children.length !== 1 || children[0]!.name !== name)
    fail(`<${element.name}> holds one <${name}>`);
  if (element.text.trim() !== '') fail(`<${element.name}> holds no text`);
  return children[0]!;
}

function noChildren(element: Element): void {
  if (element.children.length > 0) fail(`<${element.name}> holds text only`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

function fail(message: string): never {
  throw new XmlRpcParseError(message);
}

class Parser {
  private pos = 0;
  private elements = 0;

  constructor(
    private readonly xml: string,
    private readonly limits: XmlRpcLimits,
  ) {}

  document(): Element {
    if (this.xml.startsWith('\ufeff')) this.pos = 1;
    this.skipSpace();
    if (this.xml.startsWith('<?xml', this.pos)) {
      const end = this.xml.indexOf('?>', this.pos);
      if (end < 0) fail('unterminated XML declaration');
      this.pos = end + 2;
    }
    this.skipSpace();
    if (this.xml.startsWith('<!', this.pos) || this.xml.startsWith('<?', this.pos))
      fail('DOCTYPE, comments and processing instructions are not read');
    const root = this.element(1);
    this.skipSpace();
    if (this.pos !== this.xml.length) fail('content after the root element');
    return root;
  }

  private element(depth: number): Element {
    if (depth > this.limits.maxDepth) fail(`nested deeper than ${this.limits.maxDepth} elements`);
    if (++this.elements > this.limits.maxElements)
      fail(`more than ${this.limits.maxElements} elements`);
    this.expect('<');
    const name = this.name();
    this.attributes();
    const element: Element = { name, children: [], text: '' };
    if (this.xml.startsWith('/>', this.pos)) {
      this.pos += 2;
      return element;
    }
    this.expect('>');
    const text: string[] = [];
    for (;;) {
      const lt = this.xml.indexOf('<', this.pos);
      if (lt < 0) fail(`unterminated <${name}>`);
      if (lt > this.pos) text.push(decodeText(this.xml.slice(this.pos, lt)));
      this.pos = lt;
      const next = this.xml[lt + 1];
      if (next === '/') {
        this.pos += 2;
        const closing = this.name();
        this.skipSpace();
        this.expect('>');
        if (closing !== name) fail(`</${closing}> closes <${name}>`);
        element.text = text.join('');
        return element;
      }
      if (next === '!' || next === '?')
        fail('DOCTYPE, CDATA, comments and processing instructions are not read');
      element.children.push(this.element(depth + 1));
    }
  }

  /** Attributes are read past (XML-RPC has none; a namespace declaration may appear). */
  private attributes(): void {
    for (;;) {
      this.skipSpace();
      const c = this.xml[this.pos];
      if (c === '>' || c === '/' || c === undefined) return;
      this.name();
      this.skipSpace();
      this.expect('=');
      this.skipSpace();
      const quote = this.xml[this.pos];
      if (quote !== '"' && quote !== "'") fail('an attribute value is quoted');
      const end = this.xml.indexOf(quote, this.pos + 1);
      if (end < 0 || this.xml.slice(this.pos + 1, end).includes('<')) fail('bad attribute value');
      this.pos = end + 1;
    }
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.xml);
    if (match === null) fail(`expected a name at offset ${this.pos}`);
    this.pos += match[0].length;
    return match[0];
  }

  private expect(text: string): void {
    if (!this.xml.startsWith(text, this.pos)) fail(`expected ${text} at offset ${this.pos}`);
    this.pos += text.length;
  }

  private skipSpace(): void {
    while (/\s/.test(this.xml[this.pos] ?? '')) this.pos += 1;
  }
}

function decodeText(raw: string): string {
  if (/&(?![^;&\s]{1,12};)/.test(raw)) fail('a bare & in text');
  return raw.replace(/&([^;&\s]{1,12});/g, (_, ref: string) => {
    if (ref.startsWith('#')) {
      const hex = ref[1] === 'x';
      const digits = ref.slice(hex ? 2 : 1);
      const code = (hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)
        ? parseInt(digits, hex ? 16 : 10)
        : NaN;
      if (!(code >= 1 && code <= 0x10ffff) || (code >= 0xd800 && code < 0xe000))
        fail(`bad character reference &${ref};`);
      return String.fromCodePoint(code);
    }
    const entity = ENTITIES[ref];
    if (entity === undefined) fail(`unknown entity &${ref};`);
    return entity;
  });
}
