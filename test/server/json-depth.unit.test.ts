import { describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, tooDeepAt } from '../../src/server/json-depth.ts';

const scan = (text: string, max = 3) => tooDeepAt(Buffer.from(text, 'utf8'), max);

describe('tooDeepAt', () => {
  it('passes bodies within the limit, whatever their strings hold', () => {
    expect(scan('{"a":[{"b":1}]}')).toBeNull();
    expect(scan('{"a":"[[[[{{{{","b":"\\"[[[[[","c\\"[[[[":1}')).toBeNull();
    expect(scan('["\\\\",[[1]]]')).toBeNull(); // an escaped backslash ends before the quote
    expect(scan('{"people":[{"providerScores":[{"scale":{"min":0}}]}]}', MAX_JSON_DEPTH)).toBeNull();
  });

  it('names the path where the body got too deep: keys (unescaped) and array indices', () => {
    expect(scan('{"a":[1,2,{"b":[[')).toBe('a.2.b');
    expect(scan('[0,[1,{"x":1,"y\\u0041":[[]]}]]')).toBe('1.1.yA');
    expect(scan('['.repeat(100_000), MAX_JSON_DEPTH)).toBe(Array(MAX_JSON_DEPTH).fill('0').join('.'));
  });
});
