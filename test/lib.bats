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

@test "text: control characters replaced, bounded, UTF-8 made valid and never cut" {
	run "$LME_ROOT/test/unit/text_test"
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

@test "a message that kills its stage goes to badmail after 5 deaths; the queue goes on" {
	q="$T/spool/readyout"
	mkdir -p "$q/tmp" "$q/new" "$q/cur"
	# the poison is the oldest: a stage takes it first, every time
	echo "POISON" > "$q/new/1000000000.M1P1Q1.poison"
	for i in 1 2 3; do echo "message $i" > "$q/new/1000000001.M${i}P1Q1.good"; done
	for run in 1 2 3 4 5 6 7; do
		"$LME_ROOT/test/progs/stage_slow" -1 -f 2>>"$T/log" || true
		[ -e "$T/spool/badmail/new/1000000000.M1P1Q1.poison" ] && break
	done
	assert_file_exists "$T/spool/badmail/new/1000000000.M1P1Q1.poison"
	run cat "$T/spool/badmail/new/1000000000.M1P1Q1.poison.reason"
	assert_output --partial "reason: mexnts died 5 times while working on it"
	"$LME_ROOT/test/progs/stage_slow" -1 -f 2>>"$T/log"
	[ "$(ls "$T/spool/mail.box/new" | wc -l)" = 3 ]
	[ "$(find "$q/new" "$q/cur" -type f ! -name '.*' | wc -l)" = 0 ]
}

@test "file: file_write gives the old content or the new, with its mode; file_scratch leaves no name" {
	run "$LME_ROOT/test/unit/file_test" "$T"
	assert_success
	assert_output --partial "0 failed"
}

@test "msg: Postfix-style lines on stderr, debug only with -v, a bounded line, msg_fatal's exit code" {
	run "$LME_ROOT/test/unit/msg_test"
	assert_success
	assert_output --partial "0 failed"
}

@test "perms: type, owner and mode of trusted files; why names file, owner and mode" {
	mkdir -m 700 "$T/perms"
	run "$LME_ROOT/test/unit/perms_test" "$T/perms"
	assert_success
	assert_output --partial "0 failed"
}

@test "stats: counters go on from the file, gauges do not; metrics grouped; untrusted files left out" {
	run "$LME_ROOT/test/unit/stats_test" "$T/spool"
	assert_success
	assert_output --partial "0 failed"
}
