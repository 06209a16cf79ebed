package mail

import (
	"bytes"
	"html/template"
	"testing"
)

// htmlTemplate is the html/template that htmlBody replaced; htmlBody must write what it wrote.
var htmlTemplate = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
<body style="margin:0;padding:24px;background:#f6f6f4;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
{{range .Lines}}<p style="margin:0 0 16px;white-space:pre-line">{{.}}</p>
{{end}}{{if or .When .Deadline}}<table role="presentation" style="margin:0 0 16px;border-collapse:collapse">
{{if .When}}<tr><td style="padding:2px 12px 2px 0;color:#59636e">When</td><td style="padding:2px 0"><strong>{{.When}}</strong></td></tr>
{{end}}{{if .Deadline}}<tr><td style="padding:2px 12px 2px 0;color:#59636e">Respond by</td><td style="padding:2px 0"><strong>{{.Deadline}}</strong></td></tr>
{{end}}</table>
{{end}}{{if .Actions}}<p style="margin:0 0 16px">{{range .Actions}}<a href="{{.URL}}" style="display:inline-block;margin:0 8px 8px 0;padding:8px 16px;border-radius:6px;background:#1f6f5c;color:#ffffff;text-decoration:none">{{.Label}}</a>{{end}}</p>
{{end}}{{if .Open}}<p style="margin:0 0 16px"><a href="{{.Open}}" style="color:#1f6f5c">Open in Tandem</a></p>
{{end}}<hr style="border:0;border-top:1px solid #e5e5e0;margin:24px 0 12px">
<p style="margin:0;font-size:12px;color:#59636e">You get this e-mail because of your Tandem notification settings. <a href="{{.Unsubscribe}}" style="color:#59636e">Stop e-mails like this one</a>.</p>
</div>
</body></html>
`))

func TestHTMLBodyEqualsTemplate(t *testing.T) {
	nasty := "a<b>&\"c'+d\x00e\u00e9\u2028 </p><script>x</script> \xff"
	cases := []content{
		{},
		{Lines: []string{"Maya Okafor confirmed your session.", "line\nbreak"}, When: "Tue 16 Mar 2027, 10:00–11:00 EDT (UTC−4)",
			Actions: []link{{Label: "Cancel", URL: "https://app.tandem.example/bookings/bk1?do=cancel&t=abc_-"}},
			Open:    "https://app.tandem.example/bookings/bk1", Unsubscribe: "https://api.tandem.example/v1/unsubscribe/tok"},
		{Lines: []string{nasty}, Deadline: nasty, When: nasty,
			Actions: []link{{Label: nasty, URL: nasty}, {Label: "x", URL: "javascript:alert(1)"}, {Label: "y", URL: "HTTPS://a.example/ü x\"'<>%41{}|^`"}},
			Open:    "mailto:a@b.example?subject=a b", Unsubscribe: "data:text/html,hi"},
		{Deadline: "Fri", Open: "/relative/path?a=b&c=d#frag", Unsubscribe: "//host/x:y"},
	}
	for i, c := range cases {
		var want bytes.Buffer
		if err := htmlTemplate.Execute(&want, c); err != nil {
			t.Fatal(err)
		}
		if got := htmlBody(c); string(got) != want.String() {
			t.Errorf("case %d: htmlBody differs from the template\ngot:\n%s\nwant:\n%s", i, got, want.String())
		}
	}
}
