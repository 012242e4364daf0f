#!/usr/bin/env bats
# fuzz.bats - every input that ever crashed a fuzz target is replayed, and
# each target runs a short smoke (tools/fuzz; `make fuzz` runs longer).

load helpers/common

setup() {
	command -v clang >/dev/null || skip "clang not installed"
	cd "$LME_ROOT"
}

@test "fuzz: crash inputs found so far stay fixed (fuzz/regress)" {
	run tools/fuzz -replay
	assert_success
}

@test "fuzz: a short smoke of every target finds no crash" {
	FUZZ_SECONDS=${FUZZ_SMOKE_SECONDS:-5} run tools/fuzz
	assert_success
	refute_output --partial "crash"
}
