#!/usr/bin/env bats
# metrics.bats - what the stages did reaches metrics_file and "mexq stats -p"
# in the Prometheus text format: one TYPE line a metric, per-stage counters.

load helpers/common

setup() {
	lme_setup
}

enqueue() {
	printf 'From: jane@partner.example\nSubject: %s\n\nbody\n' "$1" |
		"$BIN/mexout" -enqueue -f jane@partner.example -- "$2"
}

@test "stage counters: sent, rejected and deferred per stage and queue in mexq stats -p" {
	enqueue one john.smith@notes.example.com
	enqueue two john.smith@notes.example.com
	"$BIN/mexout" -1 -f
	"$BIN/mexnts" -1 -f
	# a mail loop for mexout's worker: rejected
	{
		printf 'lme-envelope 1\nid 1.M1P1Q1.loop\narrival %s\nhops 30\nsender jane@partner.example\n' "$(date +%s)"
		printf 'rcpt smtp=john.smith@notes.example.com\nend\nSubject: loop\n\nx\n'
	} > "$T/spool/mts-out/new/1.M1P1Q1.loop"
	"$BIN/mexout" -1 -f || true
	run "$BIN/mexq" stats -p
	assert_success
	assert_line 'lme_stage_messages_total{stage="mexout",queue="mts-out",result="sent"} 2'
	assert_line 'lme_stage_messages_total{stage="mexout",queue="mts-out",result="rejected"} 1'
	assert_line 'lme_stage_messages_total{stage="mexnts",queue="readyout",result="sent"} 2'
	[ "$(echo "$output" | grep -c '^# TYPE lme_stage_messages_total counter$')" = 1 ]
}

@test "dispatch writes the stage counters into metrics_file" {
	lme_conf_set lme metrics_file "$T/lme.prom"
	enqueue three john.smith@notes.example.com
	"$BIN/dispatch" -f 2>"$T/dispatch.log" &
	pid=$!
	for _ in $(seq 100); do
		grep -q 'lme_stage_messages_total{stage="mexnts",queue="readyout",result="sent"} 1' "$T/lme.prom" 2>/dev/null && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid" || true
	run cat "$T/lme.prom"
	assert_line 'lme_stage_messages_total{stage="mexnts",queue="readyout",result="sent"} 1'
	assert_line --partial 'lme_queue_messages{queue="mail.box"}'
}
