// A port loaded on first use: nothing is loaded at construction, one load serves every call (even
// concurrent ones), a failed load is tried again, and calls pass through unchanged.
import { describe, expect, it } from '@jest/globals';
import { loadedOnFirstUse } from '../../functions/runtime/loaded-on-first-use.js';

interface Store {
  get(key: string): Promise<string | undefined>;
  put(key: string, value: string): Promise<void>;
}

function counted(failFirst = false) {
  const loads = { count: 0 };
  const data = new Map<string, string>();
  const load = async (): Promise<Store> => {
    loads.count += 1;
    if (failFirst && loads.count === 1) throw new Error('network down');
    return { get: async (key) => data.get(key), put: async (key, value) => void data.set(key, value) };
  };
  return { loads, load };
}

describe('loadedOnFirstUse', () => {
  it('loads nothing until the first call, then once for every call', async () => {
    const { loads, load } = counted();
    const store = loadedOnFirstUse<Store>(['get', 'put'], load);
    expect(loads.count).toBe(0);
    await Promise.all([store.put('a', '1'), store.put('b', '2'), store.get('a')]);
    expect(await store.get('b')).toBe('2');
    expect(loads.count).toBe(1);
  });

  it('tries the load again after it failed, and the failure reaches the caller', async () => {
    const { loads, load } = counted(true);
    const store = loadedOnFirstUse<Store>(['get', 'put'], load);
    await expect(store.get('a')).rejects.toThrow('network down');
    await store.put('a', '1');
    expect(await store.get('a')).toBe('1');
    expect(loads.count).toBe(2);
  });
});
