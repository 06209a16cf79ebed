// Date first, then time, like the best schedulers: a month calendar in the viewer's zone that
// marks the days with free times ("Next available" jumps to the next such day), then the
// chosen day's times grouped morning / afternoon / evening. Arrow keys move within the month
// (one tab stop, roving tabindex) and within the times. The learner's own sessions are never
// offered (the slots API does not know the viewer's bookings, so they are taken out here from
// the learner's upcoming bookings), nor a time known to be taken meanwhile (`gone`). The free
// times are fetched again every minute and when the window regains focus, so a time booked by
// someone else meanwhile disappears without a reload.
import type { DateTime } from 'luxon';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Booking } from '../api';
import { busyOf, byDayPart, dayPartName, monthDays, monthOf, moveDay, moveIndex, weeksOfMonth, withoutBusy } from '../booking';
import { isFull, seatText, slotNamePrefix } from '../circles';
import { useLoad } from '../load';
import { hasRole, learnServerNow, serverClockKnown, serverNow, useApp } from '../state';
import { formatLongDay, rangeQuery, zoneLabel, type LocalSlot } from '../time';
import { ErrorBanner, Loading } from '../ui';

interface Props {
  expertId: string;
  sessionType: string;
  zone: string;
  /** date: 'YYYY-MM-DD' shows that day, 'YYYY-MM' that month's first free day, '' the first free day from today. */
  date: string;
  onDate: (date: string) => void;
  onPick: (slot: LocalSlot) => void;
  /** avoidOwn takes the viewer's own upcoming sessions out (a learner booking). */
  avoidOwn?: boolean;
  /** ignoreBooking: the viewer's session being moved does not count as busy. */
  ignoreBooking?: string;
  /** gone: start instants (ms) known to be taken meanwhile. */
  gone?: ReadonlySet<number>;
  refresh?: number;
  pickLabel?: string;
}

const REFETCH_MS = 60_000;
const LOOK_AHEAD_MONTHS = 3;

export function SlotPicker(p: Props) {
  const monthKey = p.date ? p.date.slice(0, 7) : '';
  const isExpert = hasRole(useApp().me, 'expert');
  const [tick, setTick] = useState(0);
  const { data, loading, error } = useLoad(
    async (signal) => {
      if (!serverClockKnown()) {
        const first = await api.slots(p.expertId, { from: '', to: '', sessionType: p.sessionType, tz: p.zone }, signal);
        learnServerNow(first.from);
      }
      const month = monthOf(monthKey ? `${monthKey}-01` : (serverNow(p.zone).toISODate() ?? ''), p.zone);
      const none = Promise.resolve({ items: [] as Booking[] });
      const [list, asLearner, asExpert] = await Promise.all([
        api.slots(p.expertId, { ...rangeQuery(month.start, month.end), sessionType: p.sessionType, tz: p.zone }, signal),
        p.avoidOwn ? api.bookings({ as: 'learner', when: 'upcoming', limit: 50 }, signal) : none,
        // An expert booking a colleague is busy with their own learners too.
        p.avoidOwn && isExpert ? api.bookings({ as: 'expert', when: 'upcoming', limit: 50 }, signal) : none,
      ]);
      return { list, monthIso: month.start.toISODate() ?? '', busy: busyOf([...asLearner.items, ...asExpert.items].filter((b) => b.id !== p.ignoreBooking)) };
    },
    [p.expertId, p.sessionType, p.zone, monthKey, p.refresh, p.avoidOwn, tick],
    { keep: true },
  );

  // Fetch again now and then, and when the user comes back to the window.
  useEffect(() => {
    const again = () => document.visibilityState === 'visible' && setTick((n) => n + 1);
    const t = setInterval(again, REFETCH_MS);
    addEventListener('focus', again);
    return () => {
      clearInterval(t);
      removeEventListener('focus', again);
    };
  }, []);

  const today = serverNow(p.zone).startOf('day');
  const month = data ? monthOf(data.monthIso, p.zone) : null;
  const free = data ? withoutBusy(data.list.slots, data.busy, p.gone) : [];
  const days = month ? monthDays(free, month) : [];
  const firstFree = days.find((d) => d.slots.length > 0);
  const selectedIso = p.date.length === 10 ? p.date : (firstFree?.date ?? '');
  const selected = days.find((d) => d.date === selectedIso) ?? null;
  const seats = data?.list.seats;

  // Roving focus in the month grid: the focused day is the one tab stop.
  const [focusIso, setFocusIso] = useState('');
  const wantFocus = useRef(false);
  const gridRef = useRef<HTMLTableElement>(null);
  const focusDay = days.some((d) => d.date === focusIso) ? focusIso : selectedIso || days.find((d) => d.day >= today)?.date || days[0]?.date || '';
  useEffect(() => {
    if (!wantFocus.current) return;
    wantFocus.current = false;
    gridRef.current?.querySelector<HTMLElement>(`button[data-date="${focusDay}"]`)?.focus();
  }, [focusDay, data]);

  const onGridKey = (e: KeyboardEvent) => {
    const cur = days.find((d) => d.date === focusDay)?.day;
    if (!cur) return;
    const next = moveDay(cur, e.key);
    if (!next) return;
    e.preventDefault();
    const iso = next.toISODate() ?? '';
    wantFocus.current = true;
    setFocusIso(iso);
    if (!next.hasSame(cur, 'month')) p.onDate(iso); // another month: load it, that day chosen
  };

  // "Next available": the first day with free times after the chosen one, looking a few months ahead.
  const [seeking, setSeeking] = useState(false);
  const [noneAhead, setNoneAhead] = useState(false);
  const nextAvailable = async () => {
    const after = selectedIso || today.minus({ days: 1 }).toISODate() || '';
    const here = days.find((d) => d.date > after && d.slots.length > 0);
    if (here) {
      setFocusIso(here.date);
      p.onDate(here.date);
      return;
    }
    setSeeking(true);
    setNoneAhead(false);
    try {
      let m = month ? month.start.plus({ months: 1 }) : today.startOf('month');
      for (let i = 0; i < LOOK_AHEAD_MONTHS; i++, m = m.plus({ months: 1 })) {
        const mm = monthOf(m, p.zone);
        const list = await api.slots(p.expertId, { ...rangeQuery(mm.start, mm.end), sessionType: p.sessionType, tz: p.zone });
        const found = monthDays(withoutBusy(list.slots, data?.busy ?? [], p.gone), mm).find((d) => d.slots.length > 0);
        if (found) {
          setFocusIso(found.date);
          p.onDate(found.date);
          return;
        }
        if (list.slots.length === 0 && i > 0) break; // past the expert's booking horizon
      }
      setNoneAhead(true);
    } catch {
      setNoneAhead(true);
    } finally {
      setSeeking(false);
    }
  };

  const thisMonth = today.startOf('month');
  const shiftMonth = (m: DateTime) => p.onDate(m.toFormat('yyyy-LL'));
  const total = days.reduce((n, d) => n + d.slots.length, 0);

  return (
    <section class="picker" aria-labelledby="picker-heading">
      <div class="picker-head">
        <h2 id="picker-heading">Pick a date and time</h2>
        <p class="zone-note">
          Times in <strong>{zoneLabel(p.zone, month?.start)}</strong>
        </p>
      </div>
      <ErrorBanner error={error} />
      {!data && loading && <Loading what="Loading free times…" />}
      {month && (
        <div class="picker-body">
          <div class="calendar">
            <div class="calendar-head">
              <button
                type="button"
                class="secondary small icon"
                aria-label="Previous month"
                disabled={month.start <= thisMonth}
                onClick={() => shiftMonth(month.start.minus({ months: 1 }))}
              >
                ←
              </button>
              <h3 id="month-heading" aria-live="polite">
                {month.start.toLocaleString({ month: 'long', year: 'numeric' })}
              </h3>
              <button type="button" class="secondary small icon" aria-label="Next month" onClick={() => shiftMonth(month.start.plus({ months: 1 }))}>
                →
              </button>
            </div>
            <table class="month" aria-labelledby="month-heading" ref={gridRef} onKeyDown={onGridKey}>
              <thead>
                <tr>
                  {month.days.slice(0, 7).map((_, i) => {
                    const d = month.start.startOf('week').plus({ days: i });
                    return (
                      <th scope="col" key={i} abbr={d.toLocaleString({ weekday: 'long' })}>
                        {d.toLocaleString({ weekday: 'short' }).slice(0, 2)}
                      </th>
                    );
                  })}
                </tr>
              </thead>
              <tbody>
                {weeksOfMonth(days).map((row, r) => (
                  <tr key={r}>
                    {row.map((d, c) => {
                      if (!d) return <td key={c} />;
                      const n = d.slots.length;
                      const off = n === 0 || d.day < today;
                      return (
                        <td key={d.date}>
                          <button
                            type="button"
                            class={`cal-day${n > 0 ? ' has-free' : ''}${d.date === selectedIso ? ' chosen' : ''}${+d.day === +today ? ' today' : ''}`}
                            data-date={d.date}
                            tabIndex={d.date === focusDay ? 0 : -1}
                            aria-pressed={d.date === selectedIso}
                            aria-disabled={off ? 'true' : undefined}
                            aria-label={`${formatLongDay(d.day)}, ${n === 0 ? 'no free times' : n === 1 ? '1 free time' : `${n} free times`}`}
                            onFocus={() => setFocusIso(d.date)}
                            onClick={() => !off && p.onDate(d.date)}
                          >
                            {d.day.day}
                            {n > 0 && <span class="dot" aria-hidden="true" />}
                          </button>
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
            <div class="calendar-foot">
              <button type="button" class="secondary small" disabled={seeking} onClick={() => void nextAvailable()}>
                {seeking ? 'Looking…' : 'Next available →'}
              </button>
              <span class="visually-hidden" role="status">
                {loading ? '' : total === 0 ? 'No free times this month.' : `${total} free times this month.`}
              </span>
            </div>
            {noneAhead && <p class="muted">No free times in the next {LOOK_AHEAD_MONTHS} months.</p>}
          </div>
          <DayTimes day={selected} month={month.start} seats={seats} onPick={p.onPick} pickLabel={p.pickLabel ?? 'Book'} monthEmpty={total === 0} />
        </div>
      )}
    </section>
  );
}

function DayTimes(p: {
  day: { date: string; day: DateTime; slots: LocalSlot[] } | null;
  month: DateTime;
  seats: number | undefined;
  onPick: (s: LocalSlot) => void;
  pickLabel: string;
  monthEmpty: boolean;
}) {
  const [focus, setFocus] = useState(0);
  const listRef = useRef<HTMLDivElement>(null);
  const slots = p.day?.slots ?? [];
  useEffect(() => setFocus(0), [p.day?.date]);
  const idx = Math.min(focus, Math.max(0, slots.length - 1));
  const onKey = (e: KeyboardEvent) => {
    const next = moveIndex(idx, slots.length, e.key);
    if (next === null) return;
    e.preventDefault();
    setFocus(next);
    listRef.current?.querySelectorAll<HTMLElement>('button.slot')[next]?.focus();
  };
  if (!p.day) {
    return (
      <div class="day-times" data-date="">
        <p class="empty">{p.monthEmpty ? `No free times in ${p.month.toLocaleString({ month: 'long' })}. Try “Next available”.` : 'Pick a day with free times.'}</p>
      </div>
    );
  }
  const long = formatLongDay(p.day.day);
  let i = 0;
  return (
    <div class="day-times" data-date={p.day.date} ref={listRef} onKeyDown={onKey}>
      <h3>{p.day.day.toLocaleString({ weekday: 'long', day: 'numeric', month: 'long' })}</h3>
      {slots.length === 0 && <p class="empty">No free times on this day.</p>}
      {byDayPart(slots).map((g) => (
        <div class="part" key={g.part} role="group" aria-label={dayPartName[g.part]}>
          <h4>{dayPartName[g.part]}</h4>
          <ul class="times">
            {g.slots.map((s) => {
              const k = i++;
              const seat = seatText(s, p.seats);
              return (
                <li key={s.start}>
                  <button
                    type="button"
                    class={`slot${seat ? ' group' : ''}${seat && isFull(s) ? ' full' : ''}`}
                    data-start={s.start}
                    data-seats-left={s.seatsLeft}
                    tabIndex={k === idx ? 0 : -1}
                    aria-label={seat ? undefined : `${p.pickLabel} ${long} at ${s.label}`}
                    onFocus={() => setFocus(k)}
                    onClick={() => p.onPick(s)}
                  >
                    {seat ? (
                      <>
                        <span class="visually-hidden">{slotNamePrefix(p.pickLabel, long, s)} </span>
                        {s.label}
                        <span class="visually-hidden">, </span>
                        <span class="seats">{seat}</span>
                      </>
                    ) : (
                      s.label
                    )}
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </div>
  );
}

