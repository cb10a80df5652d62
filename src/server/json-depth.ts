/**
 * A linear pre-scan of a JSON body's bytes for nesting depth, run before JSON.parse (as the
 * `verify` hook of express.json). Bodies nested 100,000 deep cost the parser and then zod's
 * recursive walk seconds of one thread (issue 10, item 1); no valid Sway body is deeper than a
 * handful of levels. The scan does not validate JSON (JSON.parse does that next); it only
 * follows strings and brackets, and keeps the path to the current value so the 400 can name
 * where the body got too deep (`people.0.name.0.0…`).
 */

/** Deepest nesting any Sway request body needs is 5 (batch → people → item → providerScores → item → scale). */
export const MAX_JSON_DEPTH = 16;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;

interface Level {
  array: boolean;
  /** Array: the current index. Object: the current key (null before the first). */
  at: number | string | null;
  /** Object: the next string is a key. */
  expectKey: boolean;
}

/**
 * The path (dotted, as the API's issues give paths) of the first value nested deeper than
 * `maxDepth`, or null when the body is within the limit. O(bytes), no allocation per byte.
 */
export function tooDeepAt(body: Uint8Array, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: Level[] = [];
  let inString = false;
  let escaped = false;
  let keyStart = -1;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === BACKSLASH) escaped = true;
      else if (c === QUOTE) {
        inString = false;
        if (keyStart >= 0) {
          const top = stack[stack.length - 1]!;
          top.at = decodeKey(body, keyStart, i + 1);
          top.expectKey = false;
          keyStart = -1;
        }
      }
      continue;
    }
    switch (c) {
      case QUOTE: {
        inString = true;
        const top = stack[stack.length - 1];
        if (top && !top.array && top.expectKey) keyStart = i;
        break;
      }
      case 0x5b: // [
      case 0x7b: // {
        if (stack.length >= maxDepth) return pathOf(stack);
        stack.push(c === 0x5b ? { array: true, at: 0, expectKey: false } : { array: false, at: null, expectKey: true });
        break;
      case 0x5d: // ]
      case 0x7d: // }
        stack.pop();
        break;
      case COMMA: {
        const top = stack[stack.length - 1];
        if (top?.array) top.at = (top.at as number) + 1;
        else if (top) top.expectKey = true;
        break;
      }
      case COLON:
        break;
    }
  }
  return null;
}

function decodeKey(body: Uint8Array, start: number, end: number): string {
  const raw = Buffer.from(body.buffer, body.byteOffset + start, end - start).toString('utf8');
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.slice(1, -1);
  }
}

function pathOf(stack: Level[]): string {
  return stack.map((l) => String(l.at ?? '')).join('.');
}
