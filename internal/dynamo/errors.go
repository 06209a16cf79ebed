package dynamo

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/tandemhq/tandem/internal/tandem"
)

// translate maps SDK errors to domain errors. Condition failures become conflicts; throttling
// becomes limit_exceeded; everything else stays internal (its text is logged, never shown).
func translate(err error, conflictMsg string) error {
	if err == nil {
		return nil
	}
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return &tandem.Error{Code: tandem.EConflict, Message: conflictMsg, Err: err}
	}
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		for _, r := range tce.CancellationReasons {
			if r.Code != nil && *r.Code == "ConditionalCheckFailed" {
				return &tandem.Error{Code: tandem.EConflict, Message: conflictMsg, Err: err}
			}
		}
	}
	var tcf *types.TransactionConflictException
	if errors.As(err, &tcf) {
		return &tandem.Error{Code: tandem.EConflict, Message: "Another change is in progress; please retry.", Err: err}
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "IdempotentParameterMismatchException":
			return &tandem.Error{Code: tandem.EUnprocessable, Message: "This request repeats an earlier one with different content.", Err: err}
		case "ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded":
			return &tandem.Error{Code: tandem.ELimitExceeded, Message: "The service is busy; please retry shortly.", Err: err}
		}
	}
	return err
}
