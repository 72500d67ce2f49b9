package calc

import "testing"

func TestAdd(t *testing.T) {
	if Add(2, 2) != 4 {
		t.Fatal("2+2 is not 4")
	}
}

func TestAddWrong(t *testing.T) {
	t.Log("about to compare")
	if got := Add(2, 2); got != 5 {
		t.Errorf("Add(2, 2) = %d, want 5", got)
	}
}

func TestSkipped(t *testing.T) {
	t.Skip("needs a network")
}

func TestTable(t *testing.T) {
	cases := []struct {
		name    string
		a, b, w int
	}{
		{"ones", 1, 1, 2},
		{"zeros", 0, 0, 0},
		{"bad_sum", 1, 1, 3},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Add(c.a, c.b); got != c.w {
				t.Errorf("Add(%d, %d) = %d, want %d", c.a, c.b, got, c.w)
			}
		})
	}
	t.Run("skip_me", func(t *testing.T) { t.Skip("not on this platform") })
	t.Run("nested", func(t *testing.T) {
		t.Run("deep", func(t *testing.T) {})
	})
}

func TestParallel(t *testing.T) {
	for _, n := range []string{"p1", "p2"} {
		t.Run(n, func(t *testing.T) {
			t.Parallel()
			if Div(4, 2) != 2 {
				t.Fatal("4/2 is not 2")
			}
		})
	}
}

func TestRejectBadInput(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("Div by zero did not panic")
		}
	}()
	Div(1, 0)
}
