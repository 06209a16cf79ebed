// Between sessions: the shared agenda of an upcoming session (saved over the version read: when
// the other side saved meanwhile the save is refused and their version shown), action items
// (owner, due date, done; versioned too) and the viewer's private notes, which only they can
// read (the API keeps them under the author's id; neither the other side nor HR sees them).
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type ActionItem, type Mentorship } from '../../api';
import { useLoad } from '../../load';
import { serverNow } from '../../state';
import { formatDate, formatInstant } from '../../time';
import { Checkbox, Empty, ErrorBanner, Loading, Select, TextArea, TextField, errorOf } from '../../ui';
import { upcoming } from './agreement';

interface Props {
  m: Mentorship;
  me: string;
  zone: string;
  now: number;
}

export function Between(p: Props) {
  return (
    <div class="between">
      {p.m.status !== 'closed' && <AgendaCard {...p} />}
      <Actions {...p} />
      <Notes {...p} />
    </div>
  );
}

const isChanged = (e: unknown) => e instanceof ApiError && e.code === 'conflict' && e.extra.conflict === 'changed';

function AgendaCard({ m, me, zone, now }: Props) {
  const ahead = upcoming(m, now);
  const agendas = useLoad((signal) => api.agendas(m.id, signal), [m.id]);
  const [index, setIndex] = useState<number | null>(null);
  const chosen = ahead.find((o) => o.index === index) ?? ahead[0];
  const stored = agendas.data?.items.find((x) => x.occurrence === chosen?.index);
  const [draft, setDraft] = useState<string[] | null>(null);
  const [adding, setAdding] = useState('');
  const [err, setErr] = useState<unknown>(null);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setDraft(null);
    setConflict(false);
    setSaved(false);
  }, [chosen?.index]);
  const items = draft ?? (stored?.items.map((i) => i.text) ?? []);
  const by = (text: string) => {
    const who = stored?.items.find((i) => i.text === text)?.addedBy;
    return who ? (who === me ? 'you' : who === m.learner.id ? m.learner.name : m.expert.name) : 'you';
  };
  const edit = (next: string[]) => {
    setDraft(next);
    setSaved(false);
  };
  const save = async () => {
    if (!chosen) return;
    setBusy(true);
    setErr(null);
    setConflict(false);
    try {
      const a = await api.setAgenda(m.id, chosen.index, items, stored?.version ?? 0);
      agendas.setData((d) => ({ items: [...(d?.items ?? []).filter((x) => x.occurrence !== a.occurrence), a] }));
      setDraft(null);
      setSaved(true);
    } catch (e) {
      if (isChanged(e)) {
        setConflict(true);
        setDraft(null); // show what was saved; the user adds their change again
        await agendas.reload();
      } else setErr(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card agenda-card" aria-labelledby="agenda-h">
      <h2 id="agenda-h">Shared agenda</h2>
      {ahead.length === 0 ? (
        <p class="muted">An agenda belongs to an upcoming session; none is booked yet.</p>
      ) : (
        <>
          {ahead.length > 1 && (
            <Select
              label="For the session on"
              value={String(chosen?.index ?? '')}
              onValue={(v) => setIndex(Number(v))}
              options={ahead.map((o) => ({ value: String(o.index), label: `Session ${o.index + 1}, ${formatInstant(o.start, zone)}` }))}
            />
          )}
          {ahead.length === 1 && chosen && <p class="muted">For session {chosen.index + 1}, {formatInstant(chosen.start, zone)}. Both of you can edit it.</p>}
          {agendas.loading && !agendas.data && <Loading what="Loading the agenda…" />}
          <ErrorBanner error={agendas.error ?? err} shown={['items']} />
          {conflict && (
            <p class="banner error-banner" role="alert" data-testid="agenda-conflict">
              Someone else saved this agenda while you were editing. Their version is shown below: add your change again and save.
            </p>
          )}
          {saved && (
            <p class="banner success" role="status">
              Agenda saved.
            </p>
          )}
          {items.length === 0 ? (
            <p class="muted">Nothing on the agenda yet.</p>
          ) : (
            <ol class="agenda-list" aria-label="Agenda">
              {items.map((t, i) => (
                <li key={`${i}-${t}`}>
                  <span>{t}</span> <span class="muted small-text">added by {by(t)}</span>{' '}
                  <button type="button" class="secondary small" aria-label={`Remove “${t}” from the agenda`} onClick={() => edit(items.filter((_, j) => j !== i))}>
                    Remove
                  </button>
                  {errorOf(err, `items[${i}]`, true) && <p class="error">{errorOf(err, `items[${i}]`, true)}</p>}
                </li>
              ))}
            </ol>
          )}
          <form
            class="inline-add"
            onSubmit={(e) => {
              e.preventDefault();
              if (adding.trim() === '') return;
              edit([...items, adding.trim()]);
              setAdding('');
            }}
          >
            <TextField label="Add a topic" value={adding} onValue={setAdding} maxLength={500} />
            <button type="submit" class="secondary">
              Add
            </button>
          </form>
          <div class="actions">
            <button type="button" disabled={busy || draft === null} onClick={() => void save()}>
              {busy ? 'Saving…' : 'Save agenda'}
            </button>
            {draft !== null && <span class="muted small-text">Unsaved changes</span>}
          </div>
        </>
      )}
    </section>
  );
}

function Actions({ m, me, zone }: Props) {
  const list = useLoad((signal) => api.actionItems(m.id, signal), [m.id]);
  const isLearner = m.learner.id === me;
  const [text, setText] = useState('');
  const [owner, setOwner] = useState<'learner' | 'expert'>(isLearner ? 'learner' : 'expert');
  const [due, setDue] = useState(() => serverNow(zone).plus({ weeks: 1 }).toISODate() ?? '');
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState('');
  const name = (id: string) => (id === me ? 'You' : id === m.learner.id ? m.learner.name : m.expert.name);
  const replace = (it: ActionItem) => list.setData((d) => ({ items: (d?.items ?? []).map((x) => (x.id === it.id ? it : x)) }));
  const add = async (e: Event) => {
    e.preventDefault();
    setBusy('new');
    setErr(null);
    try {
      const it = await api.addActionItem(m.id, { text, owner, due });
      list.setData((d) => ({ items: [...(d?.items ?? []), it] }));
      setText('');
    } catch (x) {
      setErr(x);
    } finally {
      setBusy('');
    }
  };
  const toggle = async (it: ActionItem, done: boolean) => {
    setBusy(it.id);
    setErr(null);
    replace({ ...it, done }); // at once; the answer (or a reload after a refusal) settles it
    try {
      replace(await api.updateActionItem(m.id, it.id, { text: it.text, owner: it.owner === m.learner.id ? 'learner' : 'expert', due: it.due, done, version: it.version }));
    } catch (x) {
      setErr(isChanged(x) ? new Error('This action item was changed by the other side meanwhile; it is shown as it is now.') : x);
      void list.reload();
    } finally {
      setBusy('');
    }
  };
  const items = [...(list.data?.items ?? [])].sort((x, y) => Number(x.done) - Number(y.done) || x.due.localeCompare(y.due));
  return (
    <section class="card actions-card" aria-labelledby="actions-h">
      <h2 id="actions-h">Action items</h2>
      {list.loading && !list.data && <Loading what="Loading action items…" />}
      <ErrorBanner error={list.error ?? err} shown={['text', 'owner', 'due']} />
      {list.data && items.length === 0 && <Empty>No action items yet.</Empty>}
      {items.length > 0 && (
        <ul class="action-items" aria-label="Action items">
          {items.map((it) => (
            <li key={it.id} data-action={it.id} class={it.done ? 'done' : ''}>
              <Checkbox label={it.text} checked={it.done} onValue={(v) => void toggle(it, v)} />
              <p class="muted small-text">
                {name(it.owner)} · due {formatDate(`${it.due}T12:00:00Z`, 'UTC')}
                {busy === it.id ? ' · saving…' : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
      {m.status !== 'closed' && (
        <form class="add-action" onSubmit={(e) => void add(e)}>
          <TextField label="New action item" value={text} onValue={setText} maxLength={500} error={errorOf(err, 'text', true)} />
          <div class="row numbers">
            <Select
              label="Owner"
              value={owner}
              onValue={(v) => setOwner(v as 'learner' | 'expert')}
              options={[
                { value: 'learner', label: isLearner ? 'You' : m.learner.name },
                { value: 'expert', label: isLearner ? m.expert.name : 'You' },
              ]}
              error={errorOf(err, 'owner', true)}
            />
            <TextField label="Due" type="date" value={due} onValue={setDue} error={errorOf(err, 'due', true)} />
          </div>
          <button type="submit" class="secondary" disabled={busy === 'new'}>
            Add action item
          </button>
        </form>
      )}
    </section>
  );
}

function Notes({ m, me, zone }: Props) {
  const list = useLoad((signal) => api.notes(m.id, signal), [m.id]);
  const other = m.learner.id === me ? m.expert : m.learner;
  const [note, setNote] = useState('');
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const add = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setErr(null);
    try {
      const n = await api.addNote(m.id, note);
      list.setData((d) => ({ items: [...(d?.items ?? []), n] }));
      setNote('');
    } catch (x) {
      setErr(x);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card notes-card private" aria-labelledby="notes-h" aria-describedby="notes-private">
      <h2 id="notes-h">Private notes</h2>
      <p class="private-label" id="notes-private">
        Only you can see these: not {other.name}, not HR.
      </p>
      {list.loading && !list.data && <Loading what="Loading your notes…" />}
      <ErrorBanner error={list.error ?? err} shown={['note']} />
      {list.data && list.data.items.length === 0 && <p class="muted">No notes yet.</p>}
      {(list.data?.items.length ?? 0) > 0 && (
        <ul class="notes" aria-label="Your private notes">
          {list.data!.items.map((n) => (
            <li key={n.id} data-note={n.id}>
              <p class="note-body">{n.note}</p>
              <p class="muted small-text">{formatInstant(n.createdAt, zone)}</p>
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={(e) => void add(e)}>
        <TextArea label="New private note" value={note} onValue={setNote} rows={3} maxLength={2000} error={errorOf(err, 'note', true)} />
        <button type="submit" class="secondary" disabled={busy || note.trim() === ''}>
          Save private note
        </button>
      </form>
    </section>
  );
}
