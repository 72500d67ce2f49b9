package testout

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ParseJUnit parses JUnit XML: <testsuites> or <testsuite> roots, nested
// suites, <testcase> with <failure>, <error> or <skipped> children. Output
// elements (system-out, system-err, properties) are ignored; rerun and
// flaky elements of a case that finally passed do not change its outcome.
// Malformed XML is an error naming the line.
//
// A case is named "classname.name" (or name alone without a classname);
// its suite is the path of its enclosing testsuite names joined with "/".
func ParseJUnit(data []byte) (*Run, error) {
	run := &Run{Format: FormatJUnit}
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	d.CharsetReader = junitCharset
	var (
		suites []string // testsuite name per open testsuite element
		depth  int
		root   bool
		cur    *Case
		msg    *boundedText
		text   *boundedText // text of the failure/error/skipped being read
		textAt int          // depth of that element
		rank   int          // precedence of cur's outcome so far
		caseAt int          // depth of cur's testcase element
	)
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, junitError(err, d)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			line, _ := d.InputPos()
			name := t.Name.Local
			if !root {
				root = true
				if name != "testsuites" && name != "testsuite" && name != "testcase" {
					return nil, fmt.Errorf("junit XML line %d: the root element is <%s>, expected <testsuites> or <testsuite>", line, name)
				}
			}
			switch {
			case name == "testsuite":
				suites = append(suites, attr(t, "name"))
			case name == "testcase" && cur == nil:
				c := Case{Suite: joinSuites(suites), Name: attr(t, "name"), Outcome: Passed, Result: "passed", Line: line}
				if cls := attr(t, "classname"); cls != "" && !strings.HasPrefix(c.Name, cls+".") {
					c.Name = cls + "." + c.Name
				}
				if s := attr(t, "time"); s != "" {
					c.Duration, c.Timed = junitTime(s)
				}
				cur, msg, rank, caseAt = &c, &boundedText{}, 0, depth
			case cur != nil && text == nil:
				r, o := junitOutcome(name)
				if r == 0 {
					break
				}
				if r > rank {
					rank, cur.Outcome, cur.Result = r, o, name
					if name == "skipped" && strings.Contains(attr(t, "type"), "xfail") {
						cur.Result = "xfail"
					}
				}
				if !msg.empty() {
					msg.add("\n")
				}
				if m := attr(t, "message"); m != "" {
					msg.addLine(m)
				}
				text, textAt = msg, depth
			}
		case xml.CharData:
			if text != nil {
				text.add(string(t))
			}
		case xml.EndElement:
			switch {
			case text != nil && depth == textAt:
				text = nil
			case cur != nil && depth == caseAt:
				if cur.Outcome != Passed {
					cur.Message = msg.String()
				}
				run.Cases = append(run.Cases, *cur)
				cur, msg = nil, nil
			case t.Name.Local == "testsuite" && len(suites) > 0:
				suites = suites[:len(suites)-1]
			}
			depth--
		}
	}
	if !root {
		return nil, errors.New("junit XML: no XML element found (empty or not XML); expected <testsuites> or <testsuite>")
	}
	return run, nil
}

// junitOutcome ranks a child element of <testcase>: error over failure
// over skipped; 0 for anything else (output, properties, reruns).
func junitOutcome(name string) (int, Outcome) {
	switch name {
	case "error":
		return 3, Errored
	case "failure":
		return 2, Failed
	case "skipped":
		return 1, Skipped
	}
	return 0, ""
}

func attr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func joinSuites(s []string) string {
	var parts []string
	for _, n := range s {
		if n != "" {
			parts = append(parts, n)
		}
	}
	return strings.Join(parts, "/")
}

// junitTime reads a time attribute in seconds. Some writers format it for
// their locale: "1,234.5" (thousands) or "0,25" (decimal comma).
func junitTime(s string) (time.Duration, bool) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, ",") {
		if strings.Contains(s, ".") {
			s = strings.ReplaceAll(s, ",", "")
		} else {
			s = strings.ReplaceAll(s, ",", ".")
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 || f > 1e9 || f != f {
		return 0, false
	}
	return time.Duration(f * float64(time.Second)), true
}

func junitError(err error, d *xml.Decoder) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("junit XML line %d: malformed XML: %s", se.Line, se.Msg)
	}
	line, _ := d.InputPos()
	return fmt.Errorf("junit XML line %d: %v", line, err)
}

// junitCharset accepts the single-byte encodings JUnit writers declare
// besides UTF-8; everything else is an error naming the encoding.
func junitCharset(label string, in io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
		b, err := io.ReadAll(in)
		if err != nil {
			return nil, err
		}
		out := make([]byte, 0, len(b))
		for _, c := range b {
			out = utf8.AppendRune(out, rune(c))
		}
		return bytes.NewReader(out), nil
	}
	return nil, fmt.Errorf("unsupported XML encoding %q; re-encode the report as UTF-8", label)
}

// looksLikeXML reports whether data starts, after blanks and a BOM, with
// an XML declaration, a comment or a JUnit element (a kernel log's "<6>"
// level prefix is not XML).
func looksLikeXML(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n")
	for _, p := range []string{"<?xml", "<!--", "<testsuites", "<testsuite", "<testcase"} {
		if bytes.HasPrefix(data, []byte(p)) {
			return true
		}
	}
	return false
}
