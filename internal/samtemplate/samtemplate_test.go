package samtemplate

import "testing"

func TestLoadRepositoryTemplate(t *testing.T) {
	tpl, err := LoadNearest()
	if err != nil {
		t.Fatal(err)
	}
	routes := tpl.Routes()
	if len(routes) == 0 {
		t.Fatal("no HttpApi routes found")
	}
	seen := map[string]bool{}
	for _, r := range routes {
		if r.Method == "" || r.Path == "" || r.Function == "" {
			t.Errorf("incomplete route %+v", r)
		}
		if seen[r.Key()] {
			t.Errorf("route %s declared twice", r.Key())
		}
		seen[r.Key()] = true
	}
	tb, err := tpl.Table("Table")
	if err != nil {
		t.Fatal(err)
	}
	if len(tb.Keys) != 2 || tb.Keys[0].Name != "PK" || tb.Keys[1].Name != "SK" {
		t.Errorf("keys = %+v, want PK HASH, SK RANGE", tb.Keys)
	}
	if len(tb.Indexes) == 0 || tb.TTLAttribute != "expiresAt" || tb.StreamView != "NEW_AND_OLD_IMAGES" {
		t.Errorf("table = %+v, want a GSI, TTL on expiresAt and a NEW_AND_OLD_IMAGES stream", tb)
	}
}
