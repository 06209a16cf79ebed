package samtemplate

import "testing"

// The local stream pollers (tandem dev) deliver with the settings of each consumer's event
// source mapping: both consumers' are read from the template.
func TestStreamEventsOfBothConsumers(t *testing.T) {
	tpl, err := LoadNearest()
	if err != nil {
		t.Fatal(err)
	}
	for fn, batch := range map[string]int{"StreamsFunction": 100, "NotificationsFunction": 50} {
		ev, err := tpl.StreamEvent(fn)
		if err != nil {
			t.Fatal(err)
		}
		if ev.BatchSize != batch || ev.MaximumRetryAttempts != 5 || !ev.BisectOnError {
			t.Errorf("%s: %+v, want batch %d, 5 retries, bisect", fn, ev, batch)
		}
	}
}
