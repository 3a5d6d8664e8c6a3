import { describe, expect, it } from 'vitest';
import { mapConcurrently } from '../../../src/runtime/parallel.js';

describe('mapConcurrently', () => {
  it('never runs more than the limit at once, and keeps the order of the items', async () => {
    let running = 0;
    let most = 0;
    const results = await mapConcurrently([50, 10, 30, 0, 20, 40, 5], 3, async (ms) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, ms));
      running--;
      return ms * 2;
    });
    expect(results).toEqual([100, 20, 60, 0, 40, 80, 10]);
    expect(most).toBe(3);
  });

  it('an empty list, and a limit larger than the list', async () => {
    expect(await mapConcurrently([], 4, async (x: number) => x)).toEqual([]);
    expect(await mapConcurrently([1, 2], 100, async (x) => x + 1)).toEqual([2, 3]);
  });
});
