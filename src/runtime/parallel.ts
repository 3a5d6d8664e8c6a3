// Runtime: work on many things at once, but not on too many: the cluster check asks every node of
// a ring of hundreds, and each question holds a socket (and a file descriptor) until it ends.

/** Maps `items` through `work`, at most `limit` at a time; the results keep the items' order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
