package web

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"sync"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Assets are the embedded stylesheet and scripts, served under /assets/
// and copied into every static export. Nothing is loaded from elsewhere.
func Assets() fs.FS {
	sub, err := fs.Sub(assetFS, "assets")
	if err != nil {
		panic(err) // the embed directive guarantees the directory
	}
	return sub
}

// CSP is the Content-Security-Policy of every page: only this site's own
// scripts, styles and connections; no inline script or style, no plugin,
// no framing (the last only as a header: a meta tag cannot say it).
const (
	cspMeta = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'"
	CSP     = cspMeta + "; frame-ancestors 'none'"
)

// pages are parsed on first use, not at start-up: every command of the
// binary links this package, few render a page.
var pages = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("pages").Funcs(template.FuncMap{
		"csp":          func() string { return cspMeta },
		"stateHelp":    func(s string) string { return stateHelp[s] },
		"verdictClass": verdictClass,
	}).ParseFS(templateFS, "templates/*.html"))
})

// render executes the named template into a buffer, so a failure never
// leaves half a page on the wire.
func render(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := pages().ExecuteTemplate(&b, name, data); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
