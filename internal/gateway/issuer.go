package gateway

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DefaultTokenTTL is how long an issued token lives unless IssuerConfig.TTL says otherwise:
// a working day, so a `tandem dev` session rarely needs a new sign-in.
const DefaultTokenTTL = 8 * time.Hour

// IssuerConfig describes the tokens an Issuer signs.
type IssuerConfig struct {
	URL      string        // the iss claim; the Verifier must expect the same string
	Audience string        // the aud claim, like a Cognito app client id
	TTL      time.Duration // token lifetime; DefaultTokenTTL when zero
	Now      func() time.Time
}

// Issuer signs RS256 tokens shaped like Cognito ID tokens for directory users, with a local
// RSA key, and publishes the key as a JWKS. It is the local stand-in for the user pool.
type Issuer struct {
	cfg IssuerConfig
	key *rsa.PrivateKey
	jwk JWK
}

// NewIssuer returns an Issuer signing with key (at least 2048 bits).
func NewIssuer(key *rsa.PrivateKey, cfg IssuerConfig) (*Issuer, error) {
	switch {
	case key == nil || key.N.BitLen() < 2048:
		return nil, errors.New("gateway.NewIssuer: need an RSA key of at least 2048 bits")
	case cfg.URL == "" || cfg.Audience == "":
		return nil, errors.New("gateway.NewIssuer: URL and Audience are required")
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTokenTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Issuer{cfg: cfg, key: key, jwk: jwkOf(&key.PublicKey)}, nil
}

// URL returns the issuer (iss) of its tokens.
func (i *Issuer) URL() string { return i.cfg.URL }

// Audience returns the audience (aud) of its tokens.
func (i *Issuer) Audience() string { return i.cfg.Audience }

// KeyID returns the kid of the signing key, its RFC 7638 thumbprint.
func (i *Issuer) KeyID() string { return i.jwk.Kid }

// JWKS returns the document that publishes the public key.
func (i *Issuer) JWKS() JWKS { return JWKS{Keys: []JWK{i.jwk}} }

// Keys returns the public key as a KeySet.
func (i *Issuer) Keys() StaticKeys { return StaticKeys{i.jwk.Kid: &i.key.PublicKey} }

// Verifier returns a Verifier that accepts this issuer's tokens and uses the same clock.
func (i *Issuer) Verifier() *Verifier {
	return &Verifier{Issuer: i.cfg.URL, Audience: []string{i.cfg.Audience}, Keys: i.Keys(), Now: i.cfg.Now}
}

// Sign returns an ID token for u and its expiry. The claims are those of a Cognito ID token:
// sub, cognito:username, email, email_verified, name, custom:org, custom:department,
// cognito:groups (omitted when u has no roles, as Cognito does), iss, aud, token_use "id",
// auth_time, iat, exp and jti.
func (i *Issuer) Sign(u DevUser) (token string, expiresAt time.Time, err error) {
	claims, expiresAt, err := i.claims(u)
	if err != nil {
		return "", time.Time{}, err
	}
	token, err = i.sign(claims)
	return token, expiresAt, err
}

func (i *Issuer) claims(u DevUser) (jwt.MapClaims, time.Time, error) {
	now := i.cfg.Now().UTC().Truncate(time.Second)
	expiresAt := now.Add(i.cfg.TTL)
	jti := make([]byte, 16)
	if _, err := rand.Read(jti); err != nil {
		return nil, time.Time{}, err
	}
	claims := jwt.MapClaims{
		"sub":               u.ID,
		"cognito:username":  u.ID,
		"email":             u.Email,
		"email_verified":    true,
		"name":              u.Name,
		"custom:org":        u.OrgID,
		"custom:department": u.Department,
		"iss":               i.cfg.URL,
		"aud":               i.cfg.Audience,
		"token_use":         "id",
		"auth_time":         now.Unix(),
		"iat":               now.Unix(),
		"exp":               expiresAt.Unix(),
		"jti":               hex.EncodeToString(jti),
	}
	if len(u.Roles) > 0 {
		claims["cognito:groups"] = u.Roles
	}
	return claims, expiresAt, nil
}

func (i *Issuer) sign(claims jwt.MapClaims) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	t.Header["kid"] = i.jwk.Kid
	s, err := t.SignedString(i.key)
	if err != nil {
		return "", fmt.Errorf("gateway: sign token: %w", err)
	}
	return s, nil
}

// GenerateKey returns a new 2048-bit RSA key.
func GenerateKey() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 2048)
}

// LoadOrCreateKey returns the RSA key in the PEM file at path, creating the file (mode 0600,
// parent directories 0700) with a new key when it does not exist, so tokens survive restarts
// of `tandem dev`. An empty path returns a new key kept in memory only. Two processes racing
// to create the file end up with the same key.
func LoadOrCreateKey(path string) (*rsa.PrivateKey, error) {
	if path == "" {
		return GenerateKey()
	}
	key, err := loadKey(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	key, err = GenerateKey()
	if err != nil {
		return nil, err
	}
	if err := saveKey(path, key); errors.Is(err, fs.ErrExist) {
		return loadKey(path)
	} else if err != nil {
		return nil, err
	}
	return key, nil
}

func loadKey(path string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("gateway: %s: no PEM block", path)
	}
	var parsed any
	switch block.Type {
	case "PRIVATE KEY":
		parsed, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	case "RSA PRIVATE KEY":
		parsed, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	default:
		err = fmt.Errorf("unexpected PEM type %q", block.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("gateway: %s: %w", path, err)
	}
	key, ok := parsed.(*rsa.PrivateKey)
	if !ok || key.N.BitLen() < 2048 {
		return nil, fmt.Errorf("gateway: %s: not an RSA key of at least 2048 bits", path)
	}
	return key, nil
}

// saveKey writes key to a temporary file and links it into place, so readers never see a
// partial file and an existing file is never replaced (fs.ErrExist).
func saveKey(path string, key *rsa.PrivateKey) error {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".jwt-key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := pem.Encode(tmp, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}
