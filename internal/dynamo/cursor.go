package dynamo

import (
	"encoding/base64"
	"encoding/json"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// A cursor is the opaque, URL-safe form of a page's LastEvaluatedKey. The partition part of
// an index key is not stored: it is rebuilt from the query, so a cursor cannot steer a query
// into another partition, and every key in it must carry the caller's org prefix.
type cursor struct {
	PK  string `json:"p"`
	SK  string `json:"s"`
	GSK string `json:"g,omitempty"`
}

var errBadCursor = &tandem.Error{Code: tandem.EInvalid, Message: "The cursor is not valid.",
	Fields: []tandem.FieldError{{Field: "cursor", Message: "is not a cursor returned by this API"}}}

// encodeIndexCursor encodes the LastEvaluatedKey of a query on an index with sort key skName.
func encodeIndexCursor(lek map[string]types.AttributeValue, skName string) string {
	if len(lek) == 0 {
		return ""
	}
	c := cursor{PK: str(lek["PK"]), SK: str(lek["SK"]), GSK: str(lek[skName])}
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodeIndexCursor turns a cursor back into an ExclusiveStartKey for a query on an index
// (key attributes pkName = partition, skName) in the caller's org.
func decodeIndexCursor(s, org, pkName, partition, skName string) (map[string]types.AttributeValue, error) {
	if s == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 1024 {
		return nil, errBadCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.PK == "" || c.SK == "" {
		return nil, errBadCursor
	}
	if !strings.HasPrefix(c.PK, orgPrefix(org)) {
		return nil, errBadCursor
	}
	key := map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: c.PK},
		"SK": &types.AttributeValueMemberS{Value: c.SK},
	}
	if c.GSK == "" {
		return nil, errBadCursor
	}
	key[pkName] = &types.AttributeValueMemberS{Value: partition}
	key[skName] = &types.AttributeValueMemberS{Value: c.GSK}
	return key, nil
}

func str(av types.AttributeValue) string {
	if s, ok := av.(*types.AttributeValueMemberS); ok {
		return s.Value
	}
	return ""
}
