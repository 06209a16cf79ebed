// The "Calendar invite" button: downloads the booking's invite.ics with the caller's token (a
// plain link would carry none) and shows why when that fails.
import { useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorBanner, saveBlob } from '../ui';

export function InviteButton({ id, label = 'Calendar invite' }: { id: string; label?: string }) {
  const [err, setErr] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const get = async () => {
    setErr(null);
    setBusy(true);
    try {
      const f = await api.invite(id);
      saveBlob(f.blob, f.filename);
    } catch (e) {
      setErr(e);
    }
    setBusy(false);
  };
  return (
    <>
      <button type="button" class="secondary small" disabled={busy} onClick={() => void get()}>
        {label}
      </button>
      {err ? <ErrorBanner error={err} /> : null}
    </>
  );
}
