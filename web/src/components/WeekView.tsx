// A week of an expert's free slots in the viewer's zone: seven local days, Monday first, with
// previous/next week navigation. Picking a slot hands its instant (RFC 3339) to onPick. For a
// group session each slot also says how many seats are left, or that it is full and the
// waitlist is open (picking it then means joining the waitlist).
import type { DateTime } from 'luxon';
import { api } from '../api';
import { isFull, seatText, slotNamePrefix } from '../circles';
import { useLoad } from '../load';
import { learnServerNow, serverClockKnown, serverNow } from '../state';
import { formatDay, formatLongDay, groupByDay, rangeQuery, weekOf, zoneLabel, type LocalSlot } from '../time';
import { ErrorBanner, Loading } from '../ui';

interface Props {
  expertId: string;
  sessionType: string;
  zone: string;
  /** weekStart is any date in the week to show (ISO date), or '' for the server's current week. */
  weekStart: string;
  onWeek: (isoDate: string) => void;
  onPick: (slot: LocalSlot) => void;
  refresh?: number;
  /** selected makes the slots toggle buttons (aria-pressed); instants, in any offset. */
  selected?: readonly string[];
  pickLabel?: string;
}

export function WeekView(p: Props) {
  // The last week stays (its heading too) until the next one arrives.
  const { data, loading, error: err } = useLoad(
    async (signal) => {
      if (!serverClockKnown()) {
        // Ask once without a range: the answer starts at the server's "now", which may be far
        // from the device's (tandem dev -now).
        const first = await api.slots(p.expertId, { from: '', to: '', sessionType: p.sessionType, tz: p.zone }, signal);
        learnServerNow(first.from);
      }
      const anchor = p.weekStart || (serverNow(p.zone).toISODate() ?? '');
      const week = weekOf(anchor, p.zone);
      const list = await api.slots(p.expertId, { ...rangeQuery(week.start, week.end), sessionType: p.sessionType, tz: p.zone }, signal);
      return { list, weekIso: week.start.toISODate() ?? '' };
    },
    [p.expertId, p.sessionType, p.zone, p.weekStart, p.refresh],
    { keep: true },
  );

  const week = data ? weekOf(data.weekIso, p.zone) : p.weekStart ? weekOf(p.weekStart, p.zone) : null;
  const days = data && week ? groupByDay(data.list.slots, week) : [];
  const thisWeek = weekOf(serverNow(p.zone), p.zone).start;
  const shift = (w: DateTime) => p.onWeek(w.toISODate() ?? '');
  const total = days.reduce((n, d) => n + d.slots.length, 0);
  const chosen = new Set((p.selected ?? []).map((s) => Date.parse(s)));
  const seats = data?.list.seats;

  return (
    <section class="week-view" aria-labelledby="week-heading">
      <div class="week-head">
        <h2 id="week-heading">
          {week ? `Week of ${formatDay(week.start)} – ${formatDay(week.days[6]!)}` : 'Free times'}
        </h2>
        <p class="zone-note">
          Times in <strong>{zoneLabel(p.zone, week?.start)}</strong>
        </p>
        <div class="week-nav" role="group" aria-label="Change week">
          <button type="button" class="secondary small" disabled={!week || week.start <= thisWeek} onClick={() => week && shift(week.start.minus({ weeks: 1 }))}>
            ← Previous week
          </button>
          <button type="button" class="secondary small" disabled={!week || +week.start === +thisWeek} onClick={() => shift(thisWeek)}>
            This week
          </button>
          <button type="button" class="secondary small" disabled={!week} onClick={() => week && shift(week.start.plus({ weeks: 1 }))}>
            Next week →
          </button>
        </div>
      </div>
      <ErrorBanner error={err} />
      {loading && <Loading what="Loading free times…" />}
      {!loading && data && (
        <>
          <p class="visually-hidden" role="status">
            {total === 0 ? 'No free times this week.' : `${total} free times this week.`}
          </p>
          {total === 0 && <p class="empty">No free times this week. Try the next week.</p>}
          <ol class="week" aria-label="Days of the week">
            {days.map((d) => (
              <li class="day" key={d.date} data-date={d.date}>
                <h3 class="day-name">
                  <abbr title={formatLongDay(d.day)}>{formatDay(d.day)}</abbr>
                </h3>
                {d.slots.length === 0 ? (
                  <p class="day-empty">No free times</p>
                ) : (
                  <ul class="slots">
                    {d.slots.map((s) => {
                      const seat = seatText(s, seats);
                      const long = formatLongDay(s.local);
                      return (
                        <li key={s.start}>
                          <button
                            type="button"
                            class={`slot${chosen.has(Date.parse(s.start)) ? ' selected' : ''}${seat ? ' group' : ''}${seat && isFull(s) ? ' full' : ''}`}
                            data-start={s.start}
                            data-seats-left={s.seatsLeft}
                            // A group slot is named by its content (time and seats, visible) after a hidden prefix.
                            aria-label={seat ? undefined : `${p.pickLabel ?? 'Book'} ${long} at ${s.label}`}
                            aria-pressed={p.selected ? chosen.has(Date.parse(s.start)) : undefined}
                            onClick={() => p.onPick(s)}
                          >
                            {seat ? (
                              <>
                                <span class="visually-hidden">{slotNamePrefix(p.pickLabel ?? 'Book', long, s)} </span>
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
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
