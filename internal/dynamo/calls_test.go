package dynamo

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
	"github.com/tandemhq/tandem/internal/awsaccess"
)

func actions(as []awsaccess.Access) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Action+" "+a.Resource)
	}
	return out
}

// TestIAMAccessAsIAMAuthorizes: a transaction needs the per-item actions, an index Query the
// index, everything else its own action on the table.
func TestIAMAccessAsIAMAuthorizes(t *testing.T) {
	tx := &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{}}, {Update: &types.Update{}}, {ConditionCheck: &types.ConditionCheck{}}, {Delete: &types.Delete{}}}}
	tests := []struct {
		op    string
		input any
		want  []string
	}{
		{"TransactWriteItems", tx, []string{"dynamodb:PutItem Table", "dynamodb:UpdateItem Table", "dynamodb:ConditionCheckItem Table", "dynamodb:DeleteItem Table"}},
		{"TransactGetItems", &dynamodb.TransactGetItemsInput{TransactItems: []types.TransactGetItem{{Get: &types.Get{}}}}, []string{"dynamodb:GetItem Table"}},
		{"Query", &dynamodb.QueryInput{IndexName: aws.String("GSI2")}, []string{"dynamodb:Query Table/index/GSI2"}},
		{"Query", &dynamodb.QueryInput{}, []string{"dynamodb:Query Table"}},
		{"GetItem", &dynamodb.GetItemInput{}, []string{"dynamodb:GetItem Table"}},
		{"BatchGetItem", &dynamodb.BatchGetItemInput{}, []string{"dynamodb:BatchGetItem Table"}},
	}
	for _, tt := range tests {
		if got := actions(IAMAccess(tt.op, tt.input)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.op, got, tt.want)
		}
	}
}

// TestRecordAccessWritesTheDir: a call through a client with RecordAccess lands in the
// directory the IAM check reads, once, whatever the call's outcome.
func TestRecordAccessWritesTheDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(awsaccess.DirEnv, dir)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"__type":"com.amazon.coral.validate#ValidationException","message":"stub"}`)
	}))
	defer srv.Close()
	client := dynamodb.New(dynamodb.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""), APIOptions: []func(*middleware.Stack) error{RecordAccess("ReportsFunction")}})
	for range 2 {
		_, err := client.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("t"),
			Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "x"}}})
		if err == nil {
			t.Fatal("the stub answers every call with an error")
		}
	}
	got, err := awsaccess.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Function != "ReportsFunction" || got[0].Action != "dynamodb:GetItem" || got[0].Resource != "Table" || got[0].Source == "" {
		t.Errorf("recorded %+v, want ReportsFunction dynamodb:GetItem on Table once", got)
	}
}
