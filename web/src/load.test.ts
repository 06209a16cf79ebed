import { describe, expect, it } from 'vitest';
import { Loader, type LoadState } from './load';

/** A promise settled by hand, and the signal its load was given. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject, signal: undefined as AbortSignal | undefined };
}

function loader<T>() {
  const seen: LoadState<T>[] = [];
  const l = new Loader<T>((s) => seen.push(s));
  /** load runs d as the next load (capturing its signal) and returns run's promise. */
  const load = (d: ReturnType<typeof deferred<T>>, clear = false) =>
    l.run((signal) => {
      d.signal = signal;
      return d.promise;
    }, clear);
  return { l, seen, load };
}

describe('Loader', () => {
  it('starts loading and then holds the answer', async () => {
    const { l, seen, load } = loader<string>();
    expect(l.state).toEqual({ data: undefined, error: null, loading: true });
    const a = deferred<string>();
    const done = load(a, true);
    a.resolve('A');
    await done;
    expect(l.state).toEqual({ data: 'A', error: null, loading: false });
    expect(seen.at(-1)).toEqual(l.state);
  });

  it('never lets a slow older answer overwrite a newer one, and aborts the older load', async () => {
    const { l, load } = loader<string>();
    const slow = deferred<string>();
    const fast = deferred<string>();
    const first = load(slow, true);
    const second = load(fast, true);
    expect(slow.signal?.aborted).toBe(true);
    expect(fast.signal?.aborted).toBe(false);
    fast.resolve('new');
    await second;
    slow.resolve('old'); // its fetch ignored the signal
    await first;
    expect(l.state).toEqual({ data: 'new', error: null, loading: false });
  });

  it('ignores a failure of a superseded load, and stays loading until the newest answers', async () => {
    const { l, load } = loader<string>();
    const old = deferred<string>();
    const cur = deferred<string>();
    const first = load(old);
    const second = load(cur);
    old.reject(new Error('late failure'));
    await first;
    expect(l.state).toEqual({ data: undefined, error: null, loading: true });
    cur.resolve('ok');
    await second;
    expect(l.state.data).toBe('ok');
    expect(l.state.error).toBeNull();
  });

  it('stop aborts the load in flight and ignores its answer (unmount)', async () => {
    const { l, seen, load } = loader<string>();
    const a = deferred<string>();
    const done = load(a);
    const published = seen.length;
    l.stop();
    expect(a.signal?.aborted).toBe(true);
    a.resolve('too late');
    await done;
    expect(seen.length).toBe(published);
    expect(l.state.data).toBeUndefined();
  });

  it('keeps the data on a reload and on a failure; clear forgets it for new deps', async () => {
    const { l, load } = loader<string>();
    const a = deferred<string>();
    a.resolve('A');
    await load(a, true);
    const b = deferred<string>();
    const reload = load(b);
    expect(l.state).toEqual({ data: 'A', error: null, loading: true });
    const boom = new Error('boom');
    b.reject(boom);
    await reload;
    expect(l.state).toEqual({ data: 'A', error: boom, loading: false });
    const c = deferred<string>();
    const other = load(c, true);
    expect(l.state).toEqual({ data: undefined, error: null, loading: true });
    c.resolve('C');
    await other;
    expect(l.state.data).toBe('C');
  });

  it('gives a load the data so far (a next page) and takes local changes with setData', async () => {
    const { l } = loader<{ items: number[]; next: string }>();
    await l.run(async () => ({ items: [1, 2], next: 'c1' }), true);
    let signal: AbortSignal | undefined;
    await l.run(async (s, prev) => {
      signal = s;
      return { items: [...(prev?.items ?? []), 3], next: '' };
    });
    expect(signal).toBeInstanceOf(AbortSignal);
    expect(l.state.data).toEqual({ items: [1, 2, 3], next: '' });
    l.setData((d) => ({ ...d!, items: d!.items.filter((x) => x !== 2) }));
    expect(l.state).toEqual({ data: { items: [1, 3], next: '' }, error: null, loading: false });
    l.setData({ items: [], next: '' });
    expect(l.state.data).toEqual({ items: [], next: '' });
  });

  it('turns a load that throws at once into an error, and an abort of the newest load into no error', async () => {
    const { l } = loader<string>();
    const boom = new Error('sync');
    await expect(l.run(() => { throw boom; }, true)).resolves.toBeUndefined();
    expect(l.state).toEqual({ data: undefined, error: boom, loading: false });
    await l.run(async () => { throw new DOMException('The operation was aborted.', 'AbortError'); });
    expect(l.state).toEqual({ data: undefined, error: null, loading: false });
  });

  it('publishes only changes', async () => {
    const { l, seen } = loader<string>();
    await l.run(async () => 'A', true); // loading: true was already the state
    expect(seen.map((s) => [s.data, s.loading])).toEqual([['A', false]]);
  });
});
