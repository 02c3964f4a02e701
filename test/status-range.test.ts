import { StatusRange } from '../src';

describe('StatusRange', () => {
  test('between(low, high) includes both ends', () => {
    const range = StatusRange.between(200, 299);
    expect([range.low, range.high]).toEqual([200, 299]);
    expect([199, 200, 250, 299, 300].map((s) => range.includes(s))).toEqual([false, true, true, true, false]);
    expect(range.toString()).toBe('200-299');
  });

  test('of(status) is a range of one', () => {
    const range = StatusRange.of(204);
    expect([range.low, range.high]).toEqual([204, 204]);
    expect([203, 204, 205].map((s) => range.includes(s))).toEqual([false, true, false]);
    expect(range.toString()).toBe('204');
  });
});
