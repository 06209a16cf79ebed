package dynamo

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/tandemhq/tandem/internal/tandem"
)

// userItem is the stored form of a user's record.
type userItem struct {
	PK         string   `dynamodbav:"PK"`
	SK         string   `dynamodbav:"SK"`
	Type       itemType `dynamodbav:"type"`
	ID         string   `dynamodbav:"id"`
	Org        string   `dynamodbav:"org"`
	Email      string   `dynamodbav:"email"`
	Name       string   `dynamodbav:"name"`
	Department string   `dynamodbav:"department"`
	Roles      []string `dynamodbav:"roles"`
	Timezone   string   `dynamodbav:"timezone"`
	UpdatedAt  string   `dynamodbav:"updatedAt"`
}

func toUserItem(u *tandem.User) userItem {
	roles := make([]string, len(u.Roles))
	for i, r := range u.Roles {
		roles[i] = string(r)
	}
	return userItem{
		PK: userPK(u.OrgID, u.ID), SK: skProfile, Type: typeUser,
		ID: u.ID, Org: u.OrgID, Email: u.Email, Name: u.Name, Department: u.Department,
		Roles: roles, Timezone: u.Timezone, UpdatedAt: u.UpdatedAt.UTC().Format(time.RFC3339),
	}
}

func fromUserItem(it *userItem) (*tandem.User, error) {
	updated, err := parseStoredTime("user updatedAt", it.UpdatedAt)
	if err != nil {
		return nil, err
	}
	u := &tandem.User{ID: it.ID, OrgID: it.Org, Email: it.Email, Name: it.Name,
		Department: it.Department, Timezone: it.Timezone, UpdatedAt: updated}
	for _, r := range it.Roles {
		u.Roles = append(u.Roles, tandem.Role(r))
	}
	return u, nil
}

// GetUser returns the user's record (one GetItem). Errors: not_found.
func (s *Store) GetUser(ctx context.Context, org, id string) (_ *tandem.User, err error) {
	defer tandem.Wrap(&err, "Store.GetUser(%q)", id)
	it, err := getItem[userItem](ctx, s, pkSK(userPK(org, id), skProfile), false)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, tandem.Errorf(tandem.ENotFound, "No user record yet.")
	}
	return fromUserItem(it)
}

// PutUser creates or replaces the user's record (one PutItem).
func (s *Store) PutUser(ctx context.Context, u *tandem.User) (err error) {
	defer tandem.Wrap(&err, "Store.PutUser(%q)", u.ID)
	u.UpdatedAt = s.now().UTC().Truncate(time.Second)
	av, err := attributevalue.MarshalMap(toUserItem(u))
	if err != nil {
		return err
	}
	_, err = s.client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: av})
	return translate(err, "")
}
