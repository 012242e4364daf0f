#!/usr/bin/env bats
# milter.bats - mexout's milter at the protocol level, against an MTA side
# written from the protocol (test/fixtures/milter/mta.py): it asks for no
# connect or unknown events, for no reply where it never refuses (HELO,
# MAIL, headers, end of headers, body) and only for the macros it reads
# (the client and j with MAIL; i and {rcpt_addr}); what it
# refused there before is refused later; over TCP its several answers to
# one command are not held back by Nagle.

load helpers/common

setup() {
	lme_setup
	MPORT=$(free_port)
	lme_conf_set mexout milter "inet:$MPORT@127.0.0.1"
}

teardown() {
	[ -n "${MEXOUT_PID:-}" ] && kill "$MEXOUT_PID" 2>/dev/null && wait "$MEXOUT_PID" 2>/dev/null
	true
}

start_mexout() {
	"$BIN/mexout" -f >"$T/mexout.log" 2>&1 &
	MEXOUT_PID=$!
	wait_port "$MPORT" || { cat "$T/mexout.log"; return 1; }
}

@test "milter protocol: no connect event, no reply where it never refuses; an unusable sender refused at a Notes RCPT; the MAIL macros and i reach the Received: header" {
	start_mexout
	run python3 "$FIXTURES/milter/mta.py" "$MPORT"
	echo "$output"
	assert_success
	assert_output --partial "ok negotiation"
	assert_output --partial "ok unusable sender"
	assert_output --partial "ok Notes message"
	# the message was stored, with our Received: naming j and the queue id i
	for _ in $(seq 50); do
		[ "$(ls "$T"/spool/mts-out/new "$T"/spool/readyout/new 2>/dev/null | grep -c .)" -ge 1 ] && break
		sleep 0.1
	done
	run cat "$T"/spool/mts-out/new/* "$T"/spool/readyout/new/*
	assert_output --regexp "Received: from helo.client.example \(client.example \[192.0.2.7\]\)"
	assert_output --partial "by mx.test.example (lme mexout) with SMTP id QID2;"
	assert_output --partial "Subject: milter protocol test"
	run cat "$T/mexout.log"
	assert_output --partial "QID1: reject: RCPT from client.example[192.0.2.7]: 553 5.1.7 <john.smith@notes.example.com>: malformed sender"
}

@test "milter protocol: a message over max_message_size is refused with 552 at its end, nothing stored" {
	lme_conf_set mexnts max_message_size 2k
	start_mexout
	run python3 "$FIXTURES/milter/mta.py" "$MPORT" big
	echo "$output"
	assert_success
	assert_output --partial "ok too big"
	assert_equal "$(queue_count mts-out)" 0
	assert_equal "$(queue_count readyout)" 0
}

@test "milter over TCP: the answers to the end of a Notes message come together (no 40 ms Nagle hold-up)" {
	start_mexout
	run python3 "$FIXTURES/milter/mta.py" "$MPORT" timing 10
	echo "$output"
	assert_success
	assert_output --partial "ok 10 Notes messages"
}

@test "milter protocol: 10,001 Notes recipients: the one over the envelope's limit gets 452 4.5.3 at RCPT, the 10,000 taken are all delivered" {
	for i in $(seq 0 10000); do printf 'u%d@notes.example.com\tU %d/Acme@Acme\n' "$i" "$i"; done >> "$T/maps/addresses"
	start_mexout
	run python3 "$FIXTURES/milter/mta.py" "$MPORT" many 10001
	echo "$output"
	assert_success
	assert_output --partial "ok 10001 recipients: 10000 taken, 1 refused with 452 4.5.3"
	run grep -c "452 4.5.3 <u10000@notes.example.com>: too many recipients" "$T/mexout.log"
	assert_output 1
	kill "$MEXOUT_PID"; wait "$MEXOUT_PID" 2>/dev/null || true; MEXOUT_PID=
	run "$BIN/mexout" -1 -f
	assert_success
	assert_equal "$(queue_count badmail)" 0
	assert_equal "$(queue_count readyout)" 1
	run grep -c "^rcpt " "$T"/spool/readyout/new/*
	assert_output 10000
}
