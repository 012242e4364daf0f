#!/usr/bin/env bats
# mexout: the milter with a real Postfix, -enqueue, and the worker.

load helpers/common
load helpers/postfix

setup() {
	lme_setup
	MEXOUT_PID=
}

teardown() {
	postfix_stop
	if [ -n "$MEXOUT_PID" ]; then
		kill "$MEXOUT_PID" 2>/dev/null || true
		wait "$MEXOUT_PID" 2>/dev/null || true
	fi
}

# mexout_start - mexout (milter + worker) in the foreground on a free port
mexout_start() {
	MPORT=$(free_port)
	lme_conf_set mexout milter "inet:$MPORT@127.0.0.1"
	"$BIN/mexout" -f >"$T/mexout.log" 2>&1 &
	MEXOUT_PID=$!
	wait_port "$MPORT" || { cat "$T/mexout.log"; return 1; }
}

# with_postfix - mexout and a private Postfix using it as its milter
with_postfix() {
	require_root
	mexout_start
	postfix_start "inet:127.0.0.1:$MPORT"
}

# send FROM TO... - swaks to the private Postfix
send() {
	local from="$1" to
	shift
	to=$(IFS=,; echo "$*")
	swaks --server "127.0.0.1:$PF_PORT" --from "$from" --to "$to" \
		--header "Subject: test $$" --body "hello from the tests" 2>&1
}

# enqueue ARGS... - mexout -enqueue with a small message on stdin
enqueue() {
	printf 'From: jane@partner.example\nSubject: hi\n\nbody\n' | "$BIN/mexout" -enqueue "$@"
}

@test "milter: a known Notes recipient is queued and taken off Postfix's copy" {
	with_postfix
	run send jane@partner.example john.smith@notes.example.com
	assert_success
	assert_output --partial "<-  250 2.0.0 Ok: queued"
	# the worker in the same process passes it on to readyout
	wait_for 1 queue_count readyout
	run cat "$T"/spool/readyout/new/*
	assert_output --partial "rcpt smtp=john.smith@notes.example.com	notes=John Smith/Sales/Acme@Acme"
	assert_output --partial "sender jane@partner.example"
	assert_output --partial "Subject: test"
	assert_output --partial "hello from the tests"
	run cat "$T/mexout.log"
	assert_output --regexp "from=<jane@partner.example>, to=<john.smith@notes.example.com>, size=[0-9]+, status=queued \(mts-out\)"
	assert_output --partial "status=sent (readyout)"
	postfix_wait_idle
	run postfix_log
	assert_output --partial "milter triggers DISCARD action"
	refute_output --regexp "to=<john.smith@notes.example.com>.*status="
}

@test "milter: an unknown recipient of the Notes address space is refused with 550 at RCPT" {
	with_postfix
	run send jane@partner.example nobody@notes.example.com
	assert_failure
	assert_output --partial "<** 550 5.1.1 Recipient address rejected: User unknown in Lotus Notes"
	assert_equal "$(queue_count mts-out)" 0
	assert_equal "$(queue_count readyout)" 0
}

@test "milter: a message to a Notes and a local recipient is split" {
	with_postfix
	run send jane@partner.example john.smith@notes.example.com bob@local.test.example
	assert_success
	wait_for 1 queue_count readyout
	postfix_wait_idle
	# the local copy, delivered by Postfix
	run sh -c "cat '$PF'/vmail/box/new/*"
	assert_success
	assert_output --partial "hello from the tests"
	run postfix_log
	assert_output --regexp "to=<bob@local.test.example>.*status=sent"
	refute_output --regexp "to=<john.smith@notes.example.com>.*status="
	# the Notes copy, with only the Notes recipient
	run cat "$T"/spool/readyout/new/*
	assert_output --partial "rcpt smtp=john.smith@notes.example.com"
	refute_output --partial "rcpt smtp=bob@local.test.example"
}
