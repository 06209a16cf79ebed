// Notification settings (/notifications/settings): e-mail on or off, per kind of notification
// (in-app is always on), and up to two reminder lead times before each session. A save sends
// the whole document as loaded with the edits over it (PUT replaces it).
import { useEffect, useState } from 'preact/hooks';
import { api, type NotificationSettings as SettingsDoc } from '../../api';
import { useLoad } from '../../load';
import { leadLabel, leadMinutes, leadOptions } from '../../notifications';
import { Link } from '../../router';
import { Checkbox, ErrorBanner, Loading, Select, errorOf, focusFirstInvalid, useTitle } from '../../ui';
import '../../feat.css';

export function NotificationSettings() {
  useTitle('Notification settings');
  const loaded = useLoad((signal) => api.notificationSettings(signal), []);
  const [doc, setDoc] = useState<SettingsDoc | null>(null);
  const [first, setFirst] = useState(0);
  const [second, setSecond] = useState(0);
  const [err, setErr] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);

  const take = (d: SettingsDoc) => {
    setDoc(d);
    const lead = [...d.reminders.leadMinutes].sort((a, b) => b - a);
    setFirst(lead[0] ?? 0);
    setSecond(lead[1] ?? 0);
  };
  useEffect(() => {
    if (loaded.data) take(loaded.data);
  }, [loaded.data]);

  if (!doc) {
    return (
      <main id="main">
        <h1 tabIndex={-1}>Notification settings</h1>
        {loaded.error ? <ErrorBanner error={loaded.error} /> : <Loading what="Loading your settings…" />}
      </main>
    );
  }
  const edit = (d: SettingsDoc) => {
    setSaved(false);
    setDoc(d);
  };
  const save = async () => {
    setSaving(true);
    setErr(null);
    setSaved(false);
    try {
      take(await api.putNotificationSettings({ ...doc, reminders: { ...doc.reminders, leadMinutes: leadMinutes(first, second) } }));
      setSaved(true);
    } catch (e) {
      setErr(e);
      focusFirstInvalid();
    }
    setSaving(false);
  };
  const options = [{ value: '0', label: 'None' }, ...leadOptions(doc.reminders.leadMinutes).map((m) => ({ value: String(m), label: `${leadLabel(m)} before` }))];
  const leadErr = errorOf(err, 'reminders');

  return (
    <main id="main" class="editor">
      <h1 tabIndex={-1}>Notification settings</h1>
      <p>
        Everything also appears in your <Link href="/notifications">notifications</Link> in the app; that cannot be switched off. Choose what reaches your e-mail too.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
        noValidate
      >
        <fieldset>
          <legend>E-mail</legend>
          <Checkbox label="Send me e-mail" checked={doc.email} onValue={(v) => edit({ ...doc, email: v })} error={errorOf(err, 'email')} hint="Off: no e-mail at all, whatever is ticked below." />
          <fieldset class="settings-kinds" disabled={!doc.email}>
            <legend>E-mail me about</legend>
            {doc.kinds.map((k, i) => (
              <Checkbox
                key={k.kind}
                label={k.label ?? k.kind}
                checked={k.email}
                onValue={(v) => edit({ ...doc, kinds: doc.kinds.map((x, j) => (i === j ? { ...x, email: v } : x)) })}
                error={errorOf(err, `kinds[${i}]`)}
              />
            ))}
          </fieldset>
        </fieldset>
        <fieldset>
          <legend>Reminders before each session</legend>
          <p class="hint">Up to two reminders, in the app and (if e-mail is on) by e-mail. None at all: choose None twice.</p>
          <div class="row">
            <Select
              label="First reminder"
              value={String(first)}
              onValue={(v) => {
                setSaved(false);
                setFirst(Number(v));
              }}
              options={options}
              error={leadErr}
            />
            <Select
              label="Second reminder"
              value={String(second)}
              onValue={(v) => {
                setSaved(false);
                setSecond(Number(v));
              }}
              options={options}
            />
          </div>
        </fieldset>
        <ErrorBanner error={err} shown={['email', 'kinds', 'reminders']} />
        {saved && (
          <p class="banner success" role="status">
            Settings saved.
          </p>
        )}
        <div class="actions">
          <button type="submit" disabled={saving}>
            {saving ? 'Saving…' : 'Save settings'}
          </button>
        </div>
      </form>
    </main>
  );
}
