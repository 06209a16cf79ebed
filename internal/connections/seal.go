package connections

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/tandemhq/tandem/internal/dynamo"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/tandemhq/tandem/internal/calsource"
)

// Sealer encrypts a connection's secret material (the ICS URL, the CalDAV password) before it
// is stored, bound to the connection by aad (org, user and connection id), and opens it again
// for a sync or a write-back. The sealed text is opaque to the store.
//
// One implementation is here: LocalSealer, AES-256-GCM under a key from configuration (a key
// file under .local for `make run`, a key in the environment or test code). The AWS design is
// envelope encryption with KMS (GenerateDataKey per seal, the data key's ciphertext stored
// beside the sealed text, Decrypt to open): it is not built yet because nothing local can
// exercise it (see the README, "Connected calendars").
type Sealer interface {
	Seal(plaintext, aad []byte) (string, error)
	Open(sealed string, aad []byte) ([]byte, error)
}

// LocalSealer is AES-256-GCM with a fixed key. Sealed text: "v1.local." + base64url(nonce ‖
// ciphertext ‖ tag).
type LocalSealer struct{ aead cipher.AEAD }

const localPrefix = "v1.local."

// NewLocalSealer uses a 32-byte key.
func NewLocalSealer(key []byte) (*LocalSealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("connections: the calendar key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &LocalSealer{aead: aead}, nil
}

// Seal encrypts plaintext with a fresh random nonce.
func (l *LocalSealer) Seal(plaintext, aad []byte) (string, error) {
	nonce := make([]byte, l.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := l.aead.Seal(nonce, nonce, plaintext, aad)
	return localPrefix + base64.RawURLEncoding.EncodeToString(out), nil
}

// errSealed never says more than that the secret could not be opened.
var errSealed = errors.New("connections: the stored calendar secret cannot be opened (wrong key or altered)")

// Open decrypts what Seal made with the same key and aad.
func (l *LocalSealer) Open(sealed string, aad []byte) ([]byte, error) {
	raw, ok := strings.CutPrefix(sealed, localPrefix)
	if !ok {
		return nil, errSealed
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	n := l.aead.NonceSize()
	if err != nil || len(b) < n+l.aead.Overhead() {
		return nil, errSealed
	}
	out, err := l.aead.Open(nil, b[:n], b[n:], aad)
	if err != nil {
		return nil, errSealed
	}
	return out, nil
}

// Environment of SealerFromEnv.
const (
	KeyEnv     = "CALENDAR_KEY"      // base64 (std or url) of 32 bytes
	KeyFileEnv = "CALENDAR_KEY_FILE" // a file holding that base64 text; created with a new key if missing
)

// SealerFromEnv is the sealer the configuration chooses: CALENDAR_KEY, else CALENDAR_KEY_FILE
// (a missing file gets a new random key, mode 0600: `make run` points it under .local). nil
// when neither is set: connections with secrets are then refused in plain words.
func SealerFromEnv() (Sealer, error) {
	if k := os.Getenv(KeyEnv); k != "" {
		return sealerFromText(k)
	}
	path := os.Getenv(KeyFileEnv)
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		text := base64.StdEncoding.EncodeToString(key)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(text+"\n"), 0o600); err != nil {
			return nil, err
		}
		return NewLocalSealer(key)
	}
	if err != nil {
		return nil, err
	}
	return sealerFromText(string(b))
}

func sealerFromText(s string) (Sealer, error) {
	s = strings.TrimSpace(s)
	key, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if key, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "=")); err != nil {
			return nil, errors.New("connections: the calendar key is not base64")
		}
	}
	return NewLocalSealer(key)
}

// AllowPrivateEnv ("1") lets sources live on loopback and private addresses: `make run` and
// tests, where Radicale and the fixture server listen on 127.0.0.1. Never set in AWS.
const AllowPrivateEnv = "CALENDAR_ALLOW_PRIVATE"

// ConfigFromEnv is the sealer (SealerFromEnv) and the client for sources the environment
// chooses.
func ConfigFromEnv() (Sealer, *http.Client, error) {
	s, err := SealerFromEnv()
	if err != nil {
		return nil, nil, err
	}
	return s, calsource.NewClient(calsource.ClientOptions{AllowPrivate: os.Getenv(AllowPrivateEnv) == "1"}), nil
}

// ServiceFromEnv is the connections service of a Lambda function: its sealer and source
// client from the environment (ConfigFromEnv). Without a usable key it still answers, with no
// sealer: connecting a calendar is refused and existing ones fail to sync visibly (logged).
func ServiceFromEnv(store *dynamo.Store, log *slog.Logger) *Service {
	sealer, client, err := ConfigFromEnv()
	if err != nil {
		log.Error("calendar connections disabled", slog.String("error", err.Error()))
	}
	return &Service{Store: store, Sealer: sealer, HTTP: client, Log: log}
}
