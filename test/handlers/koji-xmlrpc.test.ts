/**
 * The XML-RPC codec Koji is spoken with: requests as Koji reads them (kwargs as `__starstar`,
 * i8 beyond 32 bits, escaping), answers decoded strictly (every type, faults), and hostile
 * answers refused with a clear error: too deep, too many elements, DOCTYPE/entities, malformed.
 */
import { describe, expect, it } from 'vitest';
import { decodeMethodResponse, XmlRpcParseError } from '../../src/handlers/koji/xmlrpc-decode.js';
import { encodeMethodCall, kwargs } from '../../src/handlers/koji/xmlrpc-encode.js';

const response = (value: string) =>
  `<?xml version='1.0'?>\n<methodResponse><params><param><value>${value}</value></param></params></methodResponse>`;

describe('encodeMethodCall', () => {
  it('writes params of every type, kwargs last with __starstar', () => {
    const xml = encodeMethodCall('build', [
      'git+https://src.example/rpms/a.git#abc',
      3,
      2 ** 40,
      true,
      null,
      1.5,
      ['x', { y: false }],
      kwargs({ scratch: true }),
    ]);
    expect(xml).toContain('<methodName>build</methodName>');
    expect(xml).toContain('<value><int>3</int></value>');
    expect(xml).toContain(`<value><i8>${2 ** 40}</i8></value>`);
    expect(xml).toContain('<value><boolean>1</boolean></value>');
    expect(xml).toContain('<value><nil/></value>');
    expect(xml).toContain('<value><double>1.5</double></value>');
    expect(xml).toContain(
      '<value><struct><member><name>scratch</name><value><boolean>1</boolean></value></member><member><name>__starstar</name><value><boolean>1</boolean></value></member></struct></value>',
    );
  });

  it('escapes text so that no value opens an element, and refuses what XML cannot carry', () => {
    const xml = encodeMethodCall('m', ['</string></value><value><int>1</int>&amp;']);
    expect(xml).toContain(
      '&lt;/string&gt;&lt;/value&gt;&lt;value&gt;&lt;int&gt;1&lt;/int&gt;&amp;amp;',
    );
    expect(() => encodeMethodCall('m', ['a\u0000b'])).toThrow(/control character/);
    expect(() => encodeMethodCall('m<x>', [])).toThrow(/not an XML-RPC method/);
    expect(() => encodeMethodCall('m', [2 ** 60])).toThrow(/out of range/);
  });

  it('round-trips through the decoder', () => {
    const value = { a: [1, 'two', { b: null, c: true }], 'session-key': 'k&<>' };
    const call = encodeMethodCall('m', [value]);
    const inner = /<param>(.*)<\/param>/s.exec(call)![1]!;
    const decoded = decodeMethodResponse(
      `<methodResponse><params><param>${inner}</param></params></methodResponse>`,
    );
    expect(decoded).toEqual({ ok: true, value });
  });
});

describe('decodeMethodResponse', () => {
  it('reads every XML-RPC type', () => {
    const xml = response(`<struct>
      <member><name>id</name><value><int>12</int></value></member>
      <member><name>i4</name><value><i4>-3</i4></value></member>
      <member><name>big</name><value><i8>4294967296</i8></value></member>
      <member><name>exbig</name><value><ex:i8>5</ex:i8></value></member>
      <member><name>ok</name><value><boolean>0</boolean></value></member>
      <member><name>d</name><value><double>2.5</double></value></member>
      <member><name>s</name><value><string>a &lt;b&gt; &amp; &#233;&#x41;</string></value></member>
      <member><name>untyped</name><value>plain</value></member>
      <member><name>empty</name><value><string/></value></member>
      <member><name>nil</name><value><nil/></value></member>
      <member><name>exnil</name><value><ex:nil/></value></member>
      <member><name>when</name><value><dateTime.iso8601>20261207T09:30:00</dateTime.iso8601></value></member>
      <member><name>b64</name><value><base64>aGk=</base64></value></member>
      <member><name>list</name><value><array><data><value><int>1</int></value><value>x</value></data></array></value></member>
    </struct>`);
    expect(decodeMethodResponse(xml)).toEqual({
      ok: true,
      value: {
        id: 12,
        i4: -3,
        big: 4294967296,
        exbig: 5,
        ok: false,
        d: 2.5,
        s: 'a <b> & éA',
        untyped: 'plain',
        empty: '',
        nil: null,
        exnil: null,
        when: '20261207T09:30:00',
        b64: 'aGk=',
        list: [1, 'x'],
      },
    });
  });

  it('reads a fault', () => {
    const xml = `<?xml version='1.0'?><methodResponse><fault><value><struct>
      <member><name>faultCode</name><value><int>1000</int></value></member>
      <member><name>faultString</name><value><string>No such build target: f99</string></value></member>
      </struct></value></fault></methodResponse>`;
    expect(decodeMethodResponse(xml)).toEqual({
      ok: false,
      fault: { faultCode: 1000, faultString: 'No such build target: f99' },
    });
  });

  it('keeps a member named __proto__ as a member', () => {
    const xml = response(
      '<struct><member><name>__proto__</name><value><struct><member><name>polluted</name><value><boolean>1</boolean></value></member></struct></value></member></struct>',
    );
    const decoded = decodeMethodResponse(xml) as { ok: true; value: Record<string, unknown> };
    expect(Object.keys(decoded.value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const hostile: [string, string, RegExp][] = [
    [
      'a DOCTYPE with entities',
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]>${response('&a;')}`,
      /expected <|DOCTYPE/,
    ],
    ['an entity reference', response('<string>&a;</string>'), /unknown entity/],
    ['a bare ampersand', response('<string>a & b</string>'), /bare &/],
    ['a CDATA section', response('<string><![CDATA[x]]></string>'), /CDATA/],
    ['a comment', response('<!-- hi --><int>1</int>'), /comments/],
    ['an unknown type', response('<float>1</float>'), /unknown XML-RPC type/],
    ['a bad int', response('<int>12x</int>'), /not an XML-RPC integer/],
    ['an int beyond 2^53', response('<i8>99999999999999999999</i8>'), /beyond 2\^53/],
    ['a bad boolean', response('<boolean>yes</boolean>'), /boolean/],
    ['mismatched tags', response('<int>1</i4>'), /closes/],
    ['unterminated', '<methodResponse><params><param><value>', /unterminated/],
    ['content after the root', `${response('<int>1</int>')}<x/>`, /after the root/],
    ['another root', '<methodCall/>', /expected <methodResponse>/],
    [
      'two params',
      '<methodResponse><params><param><value>1</value></param><param><value>2</value></param></params></methodResponse>',
      /holds one <param>/,
    ],
    [
      'a fault without a code',
      response('').replace(
        '<params><param><value></value></param></params>',
        '<fault><value><struct></struct></value></fault>',
      ),
      /faultCode/,
    ],
    ['a bad character reference', response('<string>&#0;</string>'), /character reference/],
    [
      'a member without a value',
      response('<struct><member><name>a</name></member></struct>'),
      /one <name> and one <value>/,
    ],
  ];
  it.each(hostile)('refuses %s', (_, xml, message) => {
    expect(() => decodeMethodResponse(xml)).toThrow(XmlRpcParseError);
    expect(() => decodeMethodResponse(xml)).toThrow(message);
  });

  it('stops at its depth limit, without overflowing the stack', () => {
    const deep =
      '<array><data><value>'.repeat(100_000) + '1' + '</value></data></array>'.repeat(100_000);
    expect(() => decodeMethodResponse(response(deep))).toThrow(/nested deeper than 64/);
    const shallow = '<array><data><value>'.repeat(15) + '1' + '</value></data></array>'.repeat(15);
    expect(decodeMethodResponse(response(shallow)).ok).toBe(true);
  });

  it('stops at its element limit', () => {
    const many = `<array><data>${'<value><int>1</int></value>'.repeat(3000)}</data></array>`;
    expect(() => decodeMethodResponse(response(many), { maxDepth: 64, maxElements: 5000 })).toThrow(
      /more than 5000 elements/,
    );
    expect(decodeMethodResponse(response(many)).ok).toBe(true);
  });
});
