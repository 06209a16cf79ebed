package dynamo

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// getItem reads one item (one GetItem, strongly consistent if asked) into T; nil when there
// is none, so each caller says what a missing item means.
func getItem[T any](ctx context.Context, s *Store, key map[string]types.AttributeValue, consistent bool) (*T, error) {
	out, err := s.client.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key, ConsistentRead: aws.Bool(consistent)})
	if err != nil {
		return nil, translate(err, "")
	}
	if out.Item == nil {
		return nil, nil
	}
	var it T
	if err := attributevalue.UnmarshalMap(out.Item, &it); err != nil {
		return nil, err
	}
	return &it, nil
}

// getFound is getItem for an item that must exist: a missing one is not_found with the
// client-safe message notFound.
func getFound[T any](ctx context.Context, s *Store, key map[string]types.AttributeValue, consistent bool, notFound string) (*T, error) {
	it, err := getItem[T](ctx, s, key, consistent)
	if err == nil && it == nil {
		err = &tandem.Error{Code: tandem.ENotFound, Message: notFound}
	}
	return it, err
}

// queryAll runs a Query through its pages, one call per page, and unmarshals every item
// into T; with max > 0 it stops once it has max items (set in.Limit to read no more).
func queryAll[T any](ctx context.Context, client *dynamodb.Client, in *dynamodb.QueryInput, max int) ([]T, error) {
	var out []T
	p := dynamodb.NewQueryPaginator(client, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "")
		}
		for _, raw := range page.Items {
			var it T
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return nil, err
			}
			out = append(out, it)
			if max > 0 && len(out) == max {
				return out, nil
			}
		}
	}
	return out, nil
}

// fromItems unmarshals a page of raw items into the storage type I and converts each to the
// domain type T with conv (the entity's one conversion).
func fromItems[I, T any](raws []map[string]types.AttributeValue, conv func(*I) (T, error)) ([]T, error) {
	var out []T
	for _, raw := range raws {
		var it I
		if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
			return nil, err
		}
		v, err := conv(&it)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// parseStoredTime reads a stored RFC 3339 time; "" is the zero time (an optional field).
// what names the attribute, so a corrupt item says which one is wrong.
func parseStoredTime(what, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored %s %q is not an RFC 3339 time: %w", what, s, err)
	}
	return t, nil
}

// parseStoredKeyTime reads a stored key time (timeKey's fixed-width UTC form).
func parseStoredKeyTime(what, s string) (time.Time, error) {
	t, err := time.Parse(keyTime, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored %s %q is not a key time: %w", what, s, err)
	}
	return t, nil
}

// optTime stores an optional instant as fixed-width UTC text ("" when zero); parseOptTime
// reads it back (zero when empty or unreadable: these are informational fields, never keys).
func optTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return timeKey(t)
}

func parseOptTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(keyTime, s)
	if err != nil {
		return time.Time{}
	}
	return t
}

// convertAll converts each element of a list (nil stays nil: a stored list that was never
// set reads back as it was).
func convertAll[T, U any](in []T, conv func(T) U) []U {
	if in == nil {
		return nil
	}
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = conv(v)
	}
	return out
}
