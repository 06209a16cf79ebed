// Loading data for a screen: useLoad(fn, deps) → {data, error, loading, reload, setData, update}.
// Each load gets an AbortSignal; a new load (the deps changed, reload, update) aborts the one
// in flight, and unmounting aborts it too. Only the newest load may set the state, so a slow
// older answer never overwrites a newer one, even when its fetch ignores the signal.
//
// The logic is the Loader class (no Preact, unit-tested in load.test.ts); useLoad ties one
// Loader to a component.
import { useEffect, useRef, useState } from 'preact/hooks';

export interface LoadState<T> {
  /** The newest answer: undefined until the first arrives, and again while other deps load. */
  data: T | undefined;
  /** Why the newest load failed (null while loading and after a success); data stays as it was. */
  error: unknown;
  /** A load is in flight. */
  loading: boolean;
}

export type LoadFn<T> = (signal: AbortSignal) => Promise<T>;

const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';

/** Loader runs loads one at a time for one piece of state and tells publish each change. */
export class Loader<T> {
  state: LoadState<T> = { data: undefined, error: null, loading: true };
  private seq = 0;
  private ctl: AbortController | null = null;

  constructor(private readonly publish: (s: LoadState<T>) => void) {}

  /**
   * run aborts the load in flight and starts next, given the signal and the data so far; its
   * answer becomes data unless another run or stop came first. clear forgets the data at once
   * (new deps: the old answer is not about them). Resolves when this run is settled or
   * superseded; never rejects (a failure is state.error).
   */
  run(next: (signal: AbortSignal, data: T | undefined) => Promise<T>, clear = false): Promise<void> {
    this.ctl?.abort();
    const ctl = new AbortController();
    this.ctl = ctl;
    const id = ++this.seq;
    const current = () => id === this.seq;
    this.set({ data: clear ? undefined : this.state.data, error: null, loading: true });
    let started: Promise<T>;
    try {
      started = next(ctl.signal, this.state.data);
    } catch (e) {
      started = Promise.reject(e);
    }
    return started.then(
      (data) => {
        if (current()) this.finish({ data, error: null, loading: false });
      },
      (error: unknown) => {
        // A superseded or stopped load is aborted too: only the newest one counts.
        if (current()) this.finish({ ...this.state, error: isAbort(error) ? null : error, loading: false });
      },
    );
  }

  /** setData replaces the data without a load (after an action that answered the new state). */
  setData(update: T | ((data: T | undefined) => T)): void {
    const data = typeof update === 'function' ? (update as (d: T | undefined) => T)(this.state.data) : update;
    this.set({ ...this.state, data });
  }

  /** stop aborts the load in flight and ignores every answer still to come (unmount). */
  stop(): void {
    this.seq++;
    this.ctl?.abort();
    this.ctl = null;
  }

  private finish(s: LoadState<T>): void {
    this.ctl = null;
    this.set(s);
  }

  private set(s: LoadState<T>): void {
    const was = this.state;
    if (s.data === was.data && s.error === was.error && s.loading === was.loading) return;
    this.state = s;
    this.publish(s);
  }
}

export interface Loaded<T> extends LoadState<T> {
  /** Load again with the same deps, keeping data on screen until the answer comes. */
  reload: () => Promise<void>;
  /** Replace data without a load, e.g. with the booking an action answered. */
  setData: (update: T | ((data: T | undefined) => T)) => void;
  /** Run another load whose answer becomes data, e.g. the next page appended: fn(signal, data). */
  update: (fn: (signal: AbortSignal, data: T | undefined) => Promise<T>) => Promise<void>;
}

/**
 * useLoad loads fn's answer when the component mounts and again whenever deps change (fn is
 * read at that time, so it may close over anything in deps). Pass the signal on to api calls.
 * New deps forget the old answer unless keep is set (e.g. a week view that keeps showing the
 * last week until the next one arrives).
 */
export function useLoad<T>(fn: LoadFn<T>, deps: readonly unknown[], opts: { keep?: boolean } = {}): Loaded<T> {
  const [state, setState] = useState<LoadState<T>>({ data: undefined, error: null, loading: true });
  const ref = useRef<Loader<T> | null>(null);
  const loader = (ref.current ??= new Loader<T>(setState));
  const fnRef = useRef(fn);
  fnRef.current = fn;
  useEffect(() => {
    void loader.run((signal) => fnRef.current(signal), !opts.keep);
    return () => loader.stop();
  }, deps);
  const [actions] = useState(() => ({
    reload: () => loader.run((signal) => fnRef.current(signal)),
    setData: (update: T | ((data: T | undefined) => T)) => loader.setData(update),
    update: (next: (signal: AbortSignal, data: T | undefined) => Promise<T>) => loader.run(next),
  }));
  return { ...state, ...actions };
}

/** One page of a cursor-paged list, as the API answers it. */
export interface Paged<T> {
  items: T[];
  nextCursor: string;
}

export interface LoadedPages<P extends Paged<unknown>> extends Loaded<P> {
  /** Every item loaded so far (empty while the first page loads). */
  items: P['items'];
  /** The cursor of the next page; empty on the last. */
  cursor: string;
  /** Load the next page and append it (same abort and stale protection as a load). */
  more: () => Promise<void>;
}

/**
 * usePages loads the first page of a list when deps change; more() appends the next one (the
 * rest of the newest page, such as a summary, is kept as it came).
 */
export function usePages<P extends Paged<unknown>>(page: (cursor: string, signal: AbortSignal) => Promise<P>, deps: readonly unknown[]): LoadedPages<P> {
  const l = useLoad((signal) => page('', signal), deps);
  const pageRef = useRef(page);
  pageRef.current = page;
  const more = () =>
    l.update(async (signal, prev) => {
      const next = await pageRef.current(prev?.nextCursor ?? '', signal);
      return { ...next, items: [...(prev?.items ?? []), ...next.items] } as P;
    });
  return { ...l, items: l.data?.items ?? [], cursor: l.data?.nextCursor ?? '', more };
}
