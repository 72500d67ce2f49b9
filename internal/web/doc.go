// Package web is taskproof's dashboard: the board, a page per task, a page
// per run with its marker timeline and console, and the dependency graph,
// served by `taskproof serve` and written as static files by
// `taskproof site`.
//
// Everything is read from the repository at each request through Source
// (source.go), the package's only contact with the rest of taskproof: task
// documents and configuration (repo), proof states (proofstate, evidence),
// counters and drift (board), the graph (graph), lint findings (lint), the
// run history (ledger) and the records of runs in progress (live). Pages
// are built as plain values (board.go, taskpage.go, runpage.go,
// graphpage.go, runspage.go) and rendered by html/template, so every title
// and console line is escaped. The graph is laid out (layout.go) and the
// timeline drawn (timeline.go) on the server as SVG; the one embedded
// script only filters, zooms and applies live updates.
//
// The server is read-only (GET and HEAD), sends a Content-Security-Policy
// that allows no inline script or style, checks the Host header on
// loopback, and serves live updates as server-sent events by polling the
// files that `run` and `prove` write under .taskproof/live/.
//
// URLs are the same in both forms, with relative links:
//
//	index.html                   the board
//	graph.html[?focus=ID&depth=N&blocking=1]
//	runs.html                    every run
//	tasks/TASK-0001.html         one task
//	runs/42.html                 ledger run 42
//	runs/live-ID.html            a live record (a run in progress)
//	runs/e-TASK-0001.html        the consoles of a task's evidence bundle
//	assets/…                     stylesheet, script, icon
//
// and, served only: events (board stream), runs/KEY/events (run stream),
// runs/KEY/timeline/N and runs/KEY/step/N (fragments for the live page),
// api/board.json.
package web
