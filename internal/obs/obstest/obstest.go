// Package obstest has what tests of loggers share: a sink to read their lines back from.
package obstest

import (
	"bytes"
	"strings"
	"sync"
)

// Buffer is an io.Writer for loggers that is safe for concurrent writes (handlers log from
// many goroutines) and keeps everything written, for the test to read back.
type Buffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *Buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is everything written so far.
func (b *Buffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Lines are the lines written so far (none when nothing was).
func (b *Buffer) Lines() []string {
	s := strings.TrimSpace(b.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
