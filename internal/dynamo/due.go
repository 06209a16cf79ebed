package dynamo

import (
	"context"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/tandemhq/tandem/internal/tandem"
)

// Due is a booking whose end (Kind "END") or approval hold (Kind "HOLD") falls in an hour.
type Due struct {
	Org       string
	BookingID string
	Kind      string
}

// DueIn lists the due entries of the UTC hour containing at (one Query per page).
func (s *Store) DueIn(ctx context.Context, at time.Time) (_ []Due, err error) {
	defer tandem.Wrap(&err, "Store.DueIn(%s)", duePK(at))
	p := dynamodb.NewQueryPaginator(s.client, &dynamodb.QueryInput{
		TableName:                 &s.table,
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": strAttr(duePK(at))},
	})
	var out []Due
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, translate(err, "")
		}
		for _, raw := range page.Items {
			var it dueItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return nil, err
			}
			out = append(out, Due{Org: it.Org, BookingID: it.BookingID, Kind: it.SK[strings.LastIndex(it.SK, "#")+1:]})
		}
	}
	return out, nil
}
