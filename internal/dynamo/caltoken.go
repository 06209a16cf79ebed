package dynamo

import (
	"context"

	"github.com/tandemhq/tandem/internal/tandem"
)

// A calendar feed token is a secret in the URL calendar apps poll. It is looked up directly
// (PK = CALTOKEN#token, outside any org, since the request carries no identity) and the
// user's record points back at it, so rotating or revoking removes the old one.
type calTokenItem struct {
	PK     string   `dynamodbav:"PK"`
	SK     string   `dynamodbav:"SK"`
	Type   itemType `dynamodbav:"type"`
	Org    string   `dynamodbav:"org"`
	UserID string   `dynamodbav:"userId"`
	Token  string   `dynamodbav:"token"`
}

// toCalTokenItems are the token item (found by the token) and the user's pointer to it.
func toCalTokenItems(org, userID, token string) (tokenItem, pointer calTokenItem) {
	tokenItem = calTokenItem{PK: calTokenPK(token), SK: userCalTokenSK(), Type: typeCalToken, Org: org, UserID: userID, Token: token}
	pointer = tokenItem
	pointer.PK = userPK(org, userID)
	return tokenItem, pointer
}

// SetCalendarToken makes token the user's only feed token (one transaction after one read).
func (s *Store) SetCalendarToken(ctx context.Context, org, userID, token string) (err error) {
	defer tandem.Wrap(&err, "Store.SetCalendarToken")
	old, err := s.userCalToken(ctx, org, userID)
	if err != nil {
		return err
	}
	tx := newTx(s.table)
	if old != "" {
		tx.delete(kindToken, calTokenPK(old), userCalTokenSK(), "", nil)
	}
	tokenItem, pointer := toCalTokenItems(org, userID, token)
	if err := tx.put(kindToken, tokenItem, "attribute_not_exists(PK)", nil); err != nil {
		return err
	}
	if err := tx.put(kindPointer, pointer, "", nil); err != nil {
		return err
	}
	_, err = s.commit(ctx, tx, "")
	return err
}

// RevokeCalendarToken removes the user's feed token, if any.
func (s *Store) RevokeCalendarToken(ctx context.Context, org, userID string) (err error) {
	defer tandem.Wrap(&err, "Store.RevokeCalendarToken")
	old, err := s.userCalToken(ctx, org, userID)
	if err != nil || old == "" {
		return err
	}
	tx := newTx(s.table)
	tx.delete(kindToken, calTokenPK(old), userCalTokenSK(), "", nil)
	tx.delete(kindPointer, userPK(org, userID), userCalTokenSK(), "", nil)
	_, err = s.commit(ctx, tx, "")
	return err
}

func (s *Store) userCalToken(ctx context.Context, org, userID string) (string, error) {
	it, err := getItem[calTokenItem](ctx, s, pkSK(userPK(org, userID), userCalTokenSK()), true)
	if err != nil || it == nil {
		return "", err
	}
	return it.Token, nil
}

// CalendarTokenOwner returns the org and user a feed token belongs to. Errors: not_found.
func (s *Store) CalendarTokenOwner(ctx context.Context, token string) (org, userID string, err error) {
	defer tandem.Wrap(&err, "Store.CalendarTokenOwner")
	if len(token) < 32 || len(token) > 128 {
		return "", "", tandem.Errorf(tandem.ENotFound, "No such calendar feed.")
	}
	it, err := getItem[calTokenItem](ctx, s, pkSK(calTokenPK(token), userCalTokenSK()), true)
	if err != nil {
		return "", "", err
	}
	if it == nil {
		return "", "", tandem.Errorf(tandem.ENotFound, "No such calendar feed.")
	}
	return it.Org, it.UserID, nil
}
