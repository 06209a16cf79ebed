package matching

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/tandemhq/tandem/internal/tandem"
)

func TestWeightsValidate(t *testing.T) {
	bad := func(field string) tandem.FieldError {
		return tandem.FieldError{Field: field, Message: "must be a number from 0 to 1"}
	}
	tests := []struct {
		name string
		w    Weights
		want []tandem.FieldError // nil: valid
	}{
		{"defaults", DefaultWeights(), nil},
		{"one weight is enough", Weights{Connection: 0.01}, nil},
		{"bounds are inclusive", Weights{0, 1, 0, 1, 0, 1, 0}, nil},
		{"all zero", Weights{}, []tandem.FieldError{{Field: "", Message: "at least one weight must be above 0"}}},
		{"every bad field is reported", Weights{Topic: -0.1, Capacity: 0.2, Language: 1.5, Timezone: math.NaN(), Rating: math.Inf(1), Load: 0.1, Connection: math.Inf(-1)},
			[]tandem.FieldError{bad("topic"), bad("language"), bad("timezone"), bad("rating"), bad("connection")}},
		{"out of range is not also called all zero", Weights{Load: -1}, []tandem.FieldError{bad("load")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.w.Validate()
			if tt.want == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			code, fields := fieldsOf(err)
			if code != tandem.EInvalid {
				t.Errorf("code = %q, want %q (err %v)", code, tandem.EInvalid, err)
			}
			if diff := cmp.Diff(tt.want, fields); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDefaultWeightsSumToOne(t *testing.T) {
	sum := 0.0
	for _, x := range DefaultWeights().shares() {
		sum += x
	}
	if math.Abs(sum-1) > 1e-12 {
		t.Errorf("default shares sum to %v, want 1", sum)
	}
}
