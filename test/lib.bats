#!/usr/bin/env bats
# lib.bats - the C unit tests of lib/: each program prints its failures
# and a "N passed, N failed" line, and exits 1 on any failure.

load helpers/common

setup() { lme_setup; }

@test "spool: maildir protocol, defer, reject, crash between every two steps" {
	run "$LME_ROOT/test/unit/spool_test" "$T/spool"
	assert_success
	assert_output --partial "0 failed"
}

@test "conf: values, defaults, errors naming file, line and key" {
	run "$LME_ROOT/test/unit/conf_test"
	assert_success
}

@test "address: IMCEA, Notes names, the map, translation both ways" {
	run "$LME_ROOT/test/unit/address_test"
	assert_success
}

@test "envelope: round trip, no forged records, truncation refused" {
	run "$LME_ROOT/test/unit/envelope_test"
	assert_success
}

@test "dxl: writer output is valid against the Domino DTD; safe parser" {
	run "$LME_ROOT/test/unit/dxl_test" "$T"
	assert_success
}
