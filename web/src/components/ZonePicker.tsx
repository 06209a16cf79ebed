// The zone every time is shown in: switchable for this visit, and savable to the profile
// (PUT /v1/me) so it is the default next time.
import { useMemo, useState } from 'preact/hooks';
import { api } from '../api';
import { useApp } from '../state';
import { allZones } from '../time';
import { ErrorBanner, Field } from '../ui';

export function ZonePicker() {
  const { me, zone, setZone, setMe } = useApp();
  const zones = useMemo(() => allZones([zone, me.timezone]), [zone, me.timezone]);
  const [saving, setSaving] = useState(false);
  const [err, setErr] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setSaving(true);
    setErr(null);
    try {
      setMe(await api.putMe({ name: me.name, timezone: zone }));
      setSaved(true);
    } catch (e) {
      setErr(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <div class="zone-picker">
      <Field label="Time zone" error={undefined}>
        {(a) => (
          <select
            {...a}
            value={zone}
            onChange={(e) => {
              setSaved(false);
              setZone(e.currentTarget.value);
            }}
          >
            {zones.map((z) => (
              <option value={z} key={z}>
                {z.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        )}
      </Field>
      {zone !== me.timezone && (
        <button type="button" class="secondary small" onClick={save} disabled={saving}>
          {saving ? 'Saving…' : 'Save as my time zone'}
        </button>
      )}
      <span role="status" class="visually-hidden-when-empty">{saved && zone === me.timezone ? 'Time zone saved' : ''}</span>
      <ErrorBanner error={err} />
    </div>
  );
}
