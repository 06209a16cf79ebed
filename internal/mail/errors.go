package mail

import (
	"context"
	"errors"
	"net/http"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/tandemhq/tandem/internal/tandem"
)

// permanentCodes are SES v2 error codes that retrying the same message cannot fix.
var permanentCodes = map[string]bool{
	"MessageRejected":                    true, // content or an address SES refuses ("Illegal address", a virus, ...)
	"MailFromDomainNotVerifiedException": true,
	"BadRequestException":                true, // malformed request, invalid address
	"NotFoundException":                  true, // no such configuration set / identity
	"AccountSuspendedException":          true, // sending disabled for the account: an operator must act
	"InvalidParameterValue":              true,
}

// retryCodes are errors that look like client errors but pass: SES throttling, a paused account.
var retryCodes = map[string]bool{
	"TooManyRequestsException": true,
	"LimitExceededException":   true, // sending quota or rate
	"SendingPausedException":   true, // paused for the account or configuration set; resumes
	"Throttling":               true,
	"ThrottlingException":      true,
}

// Permanent reports whether retrying the send of the same message cannot help: the message was
// rejected (MessageRejected, an invalid address or content, BadRequestException), the sender is
// not verified, or the Email itself is invalid (tandem.EInvalid from Render). Throttling, a
// paused account, a 5xx, a timeout, a cancelled context and network errors (the emulator or SES
// unreachable) are not permanent: the caller retries. Unknown errors count as retryable, so
// nothing is given up on by mistake; a retry limit and the dead-letter queue end the retries.
func Permanent(err error) bool {
	if err == nil {
		return false
	}
	if tandem.ErrorCode(err) == tandem.EInvalid {
		return true
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var api smithy.APIError
	if errors.As(err, &api) {
		code := api.ErrorCode()
		if retryCodes[code] {
			return false
		}
		if permanentCodes[code] {
			return true
		}
	}
	var resp *smithyhttp.ResponseError
	if errors.As(err, &resp) {
		s := resp.HTTPStatusCode()
		// Any other 4xx but 408 and 429 means the request itself is wrong.
		return s >= 400 && s < 500 && s != http.StatusRequestTimeout && s != http.StatusTooManyRequests
	}
	return false
}
