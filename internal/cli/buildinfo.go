package cli

import "runtime/debug"

// BuildVersion is the program's version: ldflags (the -X value) when a
// build gave one, else what Go recorded in this binary's build info.
func BuildVersion(ldflags string) string {
	info, ok := debug.ReadBuildInfo()
	return ResolveVersion(ldflags, info, ok)
}

// ResolveVersion is the version of a build: the -ldflags value when one
// was given, else what Go recorded in the build (the module version for
// `go install …@vX`, else the VCS revision), else "dev".
func ResolveVersion(ldflags string, info *debug.BuildInfo, ok bool) string {
	if ldflags != "" && ldflags != "dev" {
		return ldflags
	}
	if !ok || info == nil {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		return "devel-" + rev + "-dirty"
	}
	return "devel-" + rev
}
