/**
 * Text from outside (a webhook payload's values) made safe to print on a terminal: control
 * characters (C0, DEL, C1: ESC starts the sequences that move the cursor, clear the screen or
 * retitle the window) and the bidirectional controls that reorder what is shown become visible
 * escapes, so a value prints as what it is and cannot rewrite or hide the lines around it.
 */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (char) => {
    const code = char.charCodeAt(0);
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
