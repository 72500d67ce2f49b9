package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"

	"github.com/taskproof/taskproof/internal/task"
)

func main() {
	dir := "/work/shared/corpus/open-nexus/tasks"
	files, _ := filepath.Glob(filepath.Join(dir, "TASK-*.md"))
	sort.Strings(files)
	counts := map[task.StatusClass]int{}
	n := 0
	for _, f := range files {
		if filepath.Base(f) == "TASK-TEMPLATE.md" {
			continue
		}
		src, _ := os.ReadFile(f)
		d, err := task.Parse("tasks/"+filepath.Base(f), src)
		if err != nil {
			fmt.Println("ERR", err)
			continue
		}
		n++
		counts[d.Status.Class]++
		if len(os.Args) > 1 {
			if os.Args[1] == "all" {
				json.NewEncoder(os.Stdout).Encode(d)
			} else if string(d.ID) == os.Args[1] || filepath.Base(f)[:len(os.Args[1])] == os.Args[1] {
				e := json.NewEncoder(os.Stdout)
				e.SetIndent("", " ")
				e.Encode(d)
			}
		}
	}
	fmt.Fprintln(os.Stderr, n, counts)
}
