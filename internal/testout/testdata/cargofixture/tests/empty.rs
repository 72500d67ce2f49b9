// No tests at all: libtest prints "running 0 tests".
