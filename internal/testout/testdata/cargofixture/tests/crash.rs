// The harness itself dies here: abort kills the test binary mid-run.
#[test]
fn aborts() {
    std::process::abort();
}
