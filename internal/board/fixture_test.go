package board

import (
	"testing"

	"github.com/taskproof/taskproof/internal/config"
	"github.com/taskproof/taskproof/internal/task"
)

// fixtureDoc builds a task document by hand, the way the parser would
// return it, so these tests do not depend on the parser.
func fixtureDoc(id task.ID, file, title, raw string, class task.StatusClass) *task.Document {
	return &task.Document{
		Path:   "tasks/" + file,
		ID:     id,
		FileID: id,
		Title:  title,
		Status: task.Status{Raw: raw, Class: class, Line: 3},
	}
}

// fixtureDocs is a small repository of our own: a lantern-controller
// project with every status the board lists, a lower-case "done", a
// duplicate id and a status outside the vocabulary.
func fixtureDocs() []*task.Document {
	return []*task.Document{
		fixtureDoc("TASK-0001", "TASK-0001-boot-banner.md", "Boot banner on the serial console", "Done", "Done"),
		fixtureDoc("TASK-0002", "TASK-0002-lamp-driver.md", "Lamp driver | PWM channel", "Complete", "Done"),
		fixtureDoc("TASK-0002B", "TASK-0002B-lamp-dimming.md", "Lamp dimming curve", "done", "Done"),
		fixtureDoc("TASK-0003", "TASK-0003-button-debounce.md", "Button debounce", "In Progress (2 of 3 phases)", "In Progress"),
		fixtureDoc("TASK-0004", "TASK-0004-config-store.md", "Config store", "In Review", "In Review"),
		fixtureDoc("TASK-0005", "TASK-0005-radio-link.md", "Radio link", "Blocked (waiting for antenna)", "Blocked"),
		fixtureDoc("TASK-0006", "TASK-0006-old-radio.md", "Old radio stack", "Superseded", "Superseded"),
		fixtureDoc("TASK-0007", "TASK-0007-night-mode.md", "Night mode", "Draft", "Draft"),
		fixtureDoc("TASK-0007", "TASK-0007-night-mode-copy.md", "Night mode (copy)", "Done", "Done"),
		fixtureDoc("TASK-0008", "TASK-0008-ota.md", "Over-the-air update", "Parked for now", ""),
		fixtureDoc("TASK-0009", "TASK-0009-docs.md", "Operator manual", "Done", "Done"),
	}
}

// fixtureGroups are the groups of the fixture's taskproof.toml.
func fixtureGroups(t *testing.T) []GroupSpec {
	t.Helper()
	specs, err := GroupsFromConfig([]config.Group{
		{Name: "Hardware", Tasks: []string{"TASK-0001..TASK-0002", "TASK-0005"}},
		{Name: "Firmware", Tasks: []string{"TASK-0003", "TASK-0004", "TASK-0006..TASK-0007", "TASK-0042"}},
		{Name: "Empty", Tasks: nil},
	})
	if err != nil {
		t.Fatal(err)
	}
	return specs
}
