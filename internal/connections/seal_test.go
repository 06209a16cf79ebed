package connections

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLocalSealerRoundTripAndTampering(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	s, err := NewLocalSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	secret := []byte(`{"url":"https://cal.example/private-abc/basic.ics","password":"hunter2-long"}`)
	sealed, err := s.Seal(secret, []byte("acme|u1|c1"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "hunter2") || strings.Contains(sealed, "private-abc") {
		t.Fatalf("sealed text shows the secret: %s", sealed)
	}
	if again, _ := s.Seal(secret, []byte("acme|u1|c1")); again == sealed {
		t.Error("two seals of the same secret are equal: the nonce is not fresh")
	}
	got, err := s.Open(sealed, []byte("acme|u1|c1"))
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open = %q %v", got, err)
	}
	if _, err := s.Open(sealed, []byte("acme|u2|c1")); err == nil {
		t.Error("opened with another connection's binding")
	}
	flipped := []byte(sealed)
	flipped[len(flipped)-3] ^= 1
	if _, err := s.Open(string(flipped), []byte("acme|u1|c1")); err == nil {
		t.Error("opened an altered text")
	}
	other, _ := NewLocalSealer(bytes.Repeat([]byte{8}, 32))
	if _, err := other.Open(sealed, []byte("acme|u1|c1")); err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("another key: %v", err)
	}
	if _, err := NewLocalSealer(key[:16]); err == nil {
		t.Error("a 16-byte key was accepted")
	}
}

func TestSealerFromEnvCreatesAKeyFileOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "calendar.key")
	t.Setenv(KeyEnv, "")
	t.Setenv(KeyFileEnv, path)
	a, err := SealerFromEnv()
	if err != nil || a == nil {
		t.Fatalf("first: %v %v", a, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	sealed, _ := a.Seal([]byte("x-secret-value"), nil)
	b, err := SealerFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if got, err := b.Open(sealed, nil); err != nil || string(got) != "x-secret-value" {
		t.Errorf("the second load does not open the first's text: %q %v", got, err)
	}
	t.Setenv(KeyFileEnv, "")
	if s, err := SealerFromEnv(); s != nil || err != nil {
		t.Errorf("no configuration: %v %v, want none", s, err)
	}
}

// In AWS the key is a Secrets Manager secret of 43 letters and digits (template.yaml,
// CalendarKey): read as unpadded base64url it is 32 bytes, a working AES-256 key.
func TestSecretsManagerStyleKey(t *testing.T) {
	const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	key := make([]byte, 43)
	for i := range key {
		key[i] = alnum[(i*7+3)%len(alnum)]
	}
	t.Setenv(KeyEnv, string(key))
	s, err := SealerFromEnv()
	if err != nil || s == nil {
		t.Fatalf("a 43-character secret: %v, %v", s, err)
	}
	sealed, err := s.Seal([]byte("caldav password"), []byte("acme/u1/c1"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.Open(sealed, []byte("acme/u1/c1")); err != nil || string(got) != "caldav password" {
		t.Errorf("round trip = %q, %v", got, err)
	}
}
