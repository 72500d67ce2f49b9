package prove

import (
	"fmt"
	"io"
)

// LineObserver prints to w one line before and after each step, and a
// marker step's verdict as `taskproof run` prints it.
func LineObserver(w io.Writer) Observer {
	return Observer{
		StepStarted: func(tp *TaskPlan, s *Step) {
			fmt.Fprintf(w, "prove %s: [%d/%d] %s\n", tp.Doc.ID, s.N, len(tp.Steps), s.Command)
		},
		StepDone: func(tp *TaskPlan, s *Step) {
			res := s.Result
			if res.Report != nil {
				if res.Leftover {
					fmt.Fprintf(w, "taskproof run: warning: a process of group %d (%s) survived SIGKILL\n", res.PID, s.Run.Argv[0])
				}
				w.Write([]byte(res.Report.Text(fmt.Sprintf("in %.1fs", res.RunTime.Seconds()))))
				if res.Problem != nil {
					fmt.Fprintf(w, "taskproof run: %v\n", res.Problem)
				}
			}
			mark := "ok"
			if !res.Outcome.Passed {
				mark = "FAILED"
			}
			fmt.Fprintf(w, "prove %s: [%d/%d] %s: %s (%.1fs)\n", tp.Doc.ID, s.N, len(tp.Steps), mark, res.Outcome.Reason, res.Duration.Seconds())
		},
	}
}
