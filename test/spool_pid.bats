#!/usr/bin/env bats
# spool_pid.bats - spool_recover() tells a dead worker's claim whose pid was
# reused (the process with that pid started after the claim) from a live
# worker's (started before it): test/unit/spool_pid_test.  Root only: it
# chooses the pid of a fork through /proc/sys/kernel/ns_last_pid.

load helpers/common

setup() { lme_setup; }

@test "spool: a claim of a reused pid goes back to new/, a live worker's claim stays" {
	require_root
	run "$LME_ROOT/test/unit/spool_pid_test" "$T/spool"
	[ "$status" = 77 ] && skip "$output"
	assert_success
	assert_output --partial " 0 failed"
}
