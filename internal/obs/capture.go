package obs

import (
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
)

// CaptureEnv names the file every obs logger (and internal/metrics) also appends its lines
// to, for the log check of `make test`. Test runs only: never set it in a deployed function.
const CaptureEnv = "TANDEM_LOG_CAPTURE"

// SecretsSuffix is appended to the capture file's name for the file of credentials seen
// while capturing (NoteSecret), one a line.
const SecretsSuffix = ".secrets"

// minSecretLen keeps short test values ("tok") out of the secrets file: they would match
// ordinary words in the logs. Real credentials are far longer.
const minSecretLen = 12

var capture struct {
	once    sync.Once
	mu      sync.Mutex
	logs    *os.File
	secrets *os.File
}

func openCapture() {
	capture.once.Do(func() {
		name := os.Getenv(CaptureEnv)
		if name == "" {
			return
		}
		var err error
		if capture.logs, err = os.OpenFile(name, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err != nil {
			capture.logs = nil
			return
		}
		if capture.secrets, err = os.OpenFile(name+SecretsSuffix, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600); err != nil {
			capture.secrets = nil
		}
	})
}

// captureWriter writes each Write (one line: slog and metrics write a line per call) with one
// write(2) on an O_APPEND file, so lines from the parallel test processes do not interleave.
type captureWriter struct{}

func (captureWriter) Write(p []byte) (int, error) {
	capture.mu.Lock()
	defer capture.mu.Unlock()
	return capture.logs.Write(p)
}

// CaptureWriter returns the capture file as a writer, or nil when TANDEM_LOG_CAPTURE is not
// set. internal/metrics tees its EMF lines into it.
func CaptureWriter() io.Writer {
	openCapture()
	if capture.logs == nil {
		return nil
	}
	return captureWriter{}
}

func captureHandler() slog.Handler {
	w := CaptureWriter()
	if w == nil {
		return nil
	}
	return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
}

// NoteSecret records a credential the process handled (a bearer token, a calendar feed
// token) while capturing, so that the log check can prove no line contains it. It does
// nothing unless TANDEM_LOG_CAPTURE is set, and ignores values shorter than 12 bytes and
// values of one repeated character (the property test's filler, "aaaa…", is also its ids:
// such a "secret" would match every log line naming such an id).
func NoteSecret(s string) {
	if len(s) < minSecretLen || oneRune(s) {
		return
	}
	openCapture()
	if capture.secrets == nil {
		return
	}
	capture.mu.Lock()
	defer capture.mu.Unlock()
	_, _ = capture.secrets.Write([]byte(s + "\n"))
}

// Capturing reports whether TANDEM_LOG_CAPTURE is set (and its file could be opened).
func Capturing() bool {
	openCapture()
	return capture.logs != nil
}

// oneRune reports whether s is one character repeated.
func oneRune(s string) bool {
	for _, r := range s {
		return strings.Count(s, string(r))*len(string(r)) == len(s)
	}
	return true
}
