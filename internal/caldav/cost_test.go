package caldav_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/tandemhq/tandem/internal/caldav"
	"github.com/tandemhq/tandem/internal/caldav/caldavtest"
	"github.com/tandemhq/tandem/internal/icalbusy"
	"github.com/tandemhq/tandem/internal/icalbusy/fixtures"
)

// TestSyncCost500: the source side of a sync of a 500-event calendar on Radicale: a changed
// calendar costs one PROPFIND, one REPORT and the expansion; an unchanged one only the PROPFIND.
// Uploading 500 events to Radicale takes about 30 s, so it runs on demand:
//
//	TANDEM_SYNC_COST=1 RADICALE_URL=... go test -run TestSyncCost500 -v ./internal/caldav/
func TestSyncCost500(t *testing.T) {
	if os.Getenv("TANDEM_SYNC_COST") != "1" {
		t.Skip("set TANDEM_SYNC_COST=1 to measure (about 40 s)")
	}
	ctx := context.Background()
	url, user, pass := caldavtest.Calendar(t)
	start := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	berlin, _ := time.LoadLocation("Europe/Berlin")
	// Radicale takes a whole calendar PUT on the collection and stores one item per UID.
	tu := time.Now()
	req, _ := http.NewRequest(http.MethodPut, url, bytes.NewReader(fixtures.Generate(500, start, berlin, 1)))
	req.SetBasicAuth(user, pass)
	req.Header.Set("Content-Type", "text/calendar")
	resp, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
	tUpload := time.Since(tu)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	c, err := caldav.New(caldavtest.HTTPClient(), url, user, pass)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	st, err := c.State(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tState := time.Since(t0)
	objs, err := c.Query(ctx, start, start.AddDate(0, 0, 62))
	if err != nil {
		t.Fatal(err)
	}
	tQuery := time.Since(t0) - tState
	docs := make([][]byte, len(objs))
	size := 0
	for i, o := range objs {
		docs[i], size = o.Data, size+len(o.Data)
	}
	busy, sum, err := icalbusy.ExpandAll(docs, berlin, start, start.AddDate(0, 0, 62))
	if err != nil {
		t.Fatal(err)
	}
	tAll := time.Since(t0)
	if len(objs) < 450 || sum.Events < 500 || len(busy) == 0 {
		t.Fatalf("%d objects, %d events, %d intervals", len(objs), sum.Events, len(busy))
	}
	t1 := time.Now()
	st2, err := c.State(ctx)
	if err != nil || st2 != st {
		t.Fatalf("unchanged calendar: state %+v → %+v (%v)", st, st2, err)
	}
	t.Logf("upload of 500 events as one PUT: %v", tUpload.Round(time.Millisecond))
	t.Logf("500-event calendar: PROPFIND %v, REPORT %v (%d objects, %d KB), expand %v (%d events → %d busy intervals); total %v. Unchanged: one PROPFIND, %v",
		tState.Round(time.Millisecond), tQuery.Round(time.Millisecond), len(objs), size>>10, (tAll - tState - tQuery).Round(time.Millisecond),
		sum.Events, len(busy), tAll.Round(time.Millisecond), time.Since(t1).Round(time.Millisecond))
}
