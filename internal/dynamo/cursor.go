package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A cursor is the opaque, URL-safe form of a page's LastEvaluatedKey, bound to the listing
// that returned it. The partition part of the index key is not stored: it is rebuilt from the
// query, so a cursor cannot steer a query into another partition. What is stored is checked
// before the Query, because DynamoDB answers a start key it does not like with a
// ValidationException (a 500), and a cursor comes from outside:
//
//   - it must decode, be of this version and name keys of a sane size, the table key under
//     the caller's org;
//   - it must come from the same listing (bookings as learner or expert, upcoming or past;
//     experts; reviews; requests), for the same org and caller (from the context, see
//     tandem.WithCaller) and the same parameters (the partition: a topic, an expert);
//   - its position must still be inside the listing's key range: an "upcoming" cursor whose
//     session has ended since is stale.
//
// Any failure is 400 invalid on the field "cursor", with a message that says which.
type cursor struct {
	V   int    `json:"v"`
	L   string `json:"l"` // the listing's name
	B   string `json:"b"` // binding: a hash of the org and the caller
	Q   string `json:"q"` // a hash of the partition (the listing's parameters)
	PK  string `json:"p"`
	SK  string `json:"s"`
	GSK string `json:"g"`
}

const (
	cursorVersion = 2
	maxCursorLen  = 2048 // base64 of a cursor with three keys of at most maxCursorKey bytes
	maxCursorKey  = 1024 // DynamoDB's limit for a sort key; every key this table writes is far shorter
)

// listing is one paged Query on an index, as its cursors are bound to it.
type listing struct {
	name           string // e.g. "bookings/learner/upcoming"
	org            string
	pkName, skName string // the index's key attributes
	partition      string // the value of pkName the Query asks for
	// The key condition's range on skName: from ≤ sk and sk < before ("" leaves a side open).
	from, before string
}

func cursorError(msg string) error {
	return &tandem.Error{Code: tandem.EInvalid, Message: "The cursor is not valid: " + msg + ".",
		Fields: []tandem.FieldError{{Field: "cursor", Message: msg}}}
}

const (
	msgMalformed  = "is not a cursor returned by this API"
	msgListing    = "was returned by another listing; use a cursor only with the listing that returned it"
	msgCaller     = "was issued to someone else; start again from the first page"
	msgParameters = "was returned for other parameters (another topic or expert); start again from the first page"
	msgStale      = "has expired, the listing has moved on since; start again from the first page"
)

// bindHash is a short hash of parts: it tells a cursor's binding apart, it is no secret (a
// forged binding gains nothing: the partition is rebuilt and the keys are checked).
func bindHash(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return base64.RawURLEncoding.EncodeToString(sum[:8])
}

func callerOf(ctx context.Context) string {
	if c, ok := tandem.CallerFrom(ctx); ok {
		return c.UserID
	}
	return ""
}

// encode turns a Query's LastEvaluatedKey into the listing's cursor ("" on the last page).
func (l listing) encode(ctx context.Context, lek map[string]types.AttributeValue) string {
	if len(lek) == 0 {
		return ""
	}
	c := cursor{V: cursorVersion, L: l.name, B: bindHash(l.org, callerOf(ctx)), Q: bindHash(l.partition),
		PK: str(lek["PK"]), SK: str(lek["SK"]), GSK: str(lek[l.skName])}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decode turns a cursor of this listing back into an ExclusiveStartKey (nil for "": the first
// page). Errors: invalid on the field cursor.
func (l listing) decode(ctx context.Context, s string) (map[string]types.AttributeValue, error) {
	if s == "" {
		return nil, nil
	}
	if len(s) > maxCursorLen {
		return nil, cursorError(msgMalformed)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, cursorError(msgMalformed)
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.V != cursorVersion {
		return nil, cursorError(msgMalformed)
	}
	for _, k := range []string{c.PK, c.SK, c.GSK} {
		if k == "" || len(k) > maxCursorKey {
			return nil, cursorError(msgMalformed)
		}
	}
	switch {
	case c.L != l.name:
		return nil, cursorError(msgListing)
	case c.B != bindHash(l.org, callerOf(ctx)):
		return nil, cursorError(msgCaller)
	case c.Q != bindHash(l.partition):
		return nil, cursorError(msgParameters)
	case !strings.HasPrefix(c.PK, orgPrefix(l.org)):
		return nil, cursorError(msgMalformed)
	case l.from != "" && c.GSK < l.from, l.before != "" && c.GSK >= l.before:
		return nil, cursorError(msgStale)
	}
	return map[string]types.AttributeValue{
		"PK":     &types.AttributeValueMemberS{Value: c.PK},
		"SK":     &types.AttributeValueMemberS{Value: c.SK},
		l.pkName: &types.AttributeValueMemberS{Value: l.partition},
		l.skName: &types.AttributeValueMemberS{Value: c.GSK},
	}, nil
}

func str(av types.AttributeValue) string {
	if s, ok := av.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
