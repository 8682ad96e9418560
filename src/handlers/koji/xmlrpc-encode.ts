/**
 * XML-RPC requests as Koji's hub reads them: a `methodCall` of the method's name and its
 * parameters. Koji's keyword arguments travel as a last struct marked `__starstar: true`
 * (`kwargs()` makes one). Numbers beyond 32 bits are sent as `<i8>` (Koji's extension);
 * strings are escaped so that no value can open an element of its own.
 */

/** What a parameter may be. */
export type XmlRpcValue =
  | string
  | number
  | boolean
  | null
  | Date
  | readonly XmlRpcValue[]
  | { readonly [key: string]: XmlRpcValue };

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Koji's keyword arguments: the hub calls `method(*args, **kwargs)`. */
export function kwargs(values: Record<string, XmlRpcValue>): Record<string, XmlRpcValue> {
  return { ...values, __starstar: true };
}

export function encodeMethodCall(method: string, params: readonly XmlRpcValue[]): string {
  if (!/^[A-Za-z_][\w.]*$/.test(method)) throw new TypeError(`not an XML-RPC method: ${method}`);
  const encoded = params.map((p) => `<param>${encodeValue(p)}</param>`).join('');
  return `<?xml version="1.0"?>\n<methodCall><methodName>${method}</methodName><params>${encoded}</params></methodCall>\n`;
}

export function encodeValue(value: XmlRpcValue): string {
  return `<value>${encodeInner(value)}</value>`;
}

function encodeInner(value: XmlRpcValue): string {
  if (value === null) return '<nil/>';
  if (typeof value === 'string') return `<string>${escapeXml(value)}</string>`;
  if (typeof value === 'boolean') return `<boolean>${value ? 1 : 0}</boolean>`;
  if (typeof value === 'number') {
    if (Number.isInteger(value)) {
      if (!Number.isSafeInteger(value)) throw new TypeError(`integer out of range: ${value}`);
      return value >= INT32_MIN && value <= INT32_MAX ? `<int>${value}</int>` : `<i8>${value}</i8>`;
    }
    if (!Number.isFinite(value)) throw new TypeError(`not a finite number: ${value}`);
    return `<double>${value}</double>`;
  }
  if (value instanceof Date) return `<dateTime.iso8601>${isoBasic(value)}</dateTime.iso8601>`;
  if (Array.isArray(value)) {
    const items = (value as readonly XmlRpcValue[]).map(encodeValue).join('');
    return `<array><data>${items}</data></array>`;
  }
  const members = Object.entries(value as Record<string, XmlRpcValue>)
    .map(([name, v]) => `<member><name>${escapeXml(name)}</name>${encodeValue(v)}</member>`)
    .join('');
  return `<struct>${members}</struct>`;
}

/** `20261207T09:30:00`: XML-RPC's own spelling, in UTC. */
function isoBasic(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, '')
    .replace(/-/g, '');
}

function escapeXml(text: string): string {
  // Characters XML 1.0 cannot carry at all are refused rather than silently changed.

  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/.test(text))
    throw new TypeError('a control character cannot be sent in XML-RPC');
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
