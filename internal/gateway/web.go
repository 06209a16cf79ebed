package gateway

import (
	"errors"
	"html"
	"io/fs"
	"net/http"
	"os"
	"path"
	"strings"

	"github.com/tandemhq/tandem/internal/problem"
	"github.com/tandemhq/tandem/internal/tandem"
)

// serveWeb serves the built web app from Config.WebDir: existing files as they are, a
// directory's index.html, and index.html for any other extension-less or .html path so the
// SPA's client-side routes load (a missing asset such as /assets/app.js stays a 404). There
// are no directory listings. The directory is opened per request, so building the web app
// while `tandem dev` runs just works, and os.Root keeps symlinks from escaping it.
func (g *Gateway) serveWeb(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeProblem(w, r, http.StatusMethodNotAllowed, tandem.Errorf(problem.CodeMethodNotAllowed, "The web app only answers GET and HEAD."))
		return
	}
	var root *os.Root
	if g.cfg.WebDir != "" {
		var err error
		if root, err = os.OpenRoot(g.cfg.WebDir); err == nil {
			defer root.Close()
		}
	}
	if root == nil || !isFile(root, "index.html") {
		if r.URL.Path != "/" {
			writeProblem(w, r, http.StatusNotFound, tandem.Errorf(tandem.ENotFound, "The web app is not built."))
			return
		}
		g.notBuilt(w)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	switch {
	case name == "":
		name = "index.html"
	case isFile(root, name):
	case isFile(root, path.Join(name, "index.html")):
		name = path.Join(name, "index.html")
	case path.Ext(name) != "" && path.Ext(name) != ".html":
		http.NotFound(w, r)
		return
	default:
		name = "index.html"
	}
	serveFile(w, r, root, name)
}

func isFile(root *os.Root, name string) bool {
	fi, err := root.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}

func serveFile(w http.ResponseWriter, r *http.Request, root *os.Root, name string) {
	f, err := root.Open(name)
	if err != nil {
		status := http.StatusInternalServerError
		if errors.Is(err, fs.ErrNotExist) {
			status = http.StatusNotFound
		}
		http.Error(w, http.StatusText(status), status)
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	if path.Base(name) == "index.html" {
		w.Header().Set("Cache-Control", "no-cache") // hashed assets may be cached, the shell not
	}
	http.ServeContent(w, r, name, fi.ModTime(), f)
}

// notBuilt answers GET / when there is no web app to serve.
func (g *Gateway) notBuilt(w http.ResponseWriter) {
	where := "Config.WebDir is not set"
	if g.cfg.WebDir != "" {
		where = html.EscapeString(g.cfg.WebDir) + " has no index.html"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte(`<!doctype html>
<meta charset="utf-8"><title>Tandem (local)</title>
<h1>Tandem local API is running</h1>
<p>The web app is not built (` + where + `). Build it (for example <code>npm run build</code> in <code>web/</code>) and reload.</p>
<ul>
<li><a href="/dev/users">GET /dev/users</a> lists the local users</li>
<li><code>POST /dev/token {"email": "..."}</code> signs in as one of them; send the token as <code>Authorization: Bearer &lt;token&gt;</code> to <code>/v1/...</code></li>
<li><a href="/dev/jwks.json">GET /dev/jwks.json</a> publishes the signing key</li>
</ul>
`))
}
