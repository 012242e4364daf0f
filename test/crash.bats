#!/usr/bin/env bats
# crash.bats - nothing is lost when stages die: 1,500 messages queued,
# dispatch running the stages, a random stage killed with SIGKILL every
# 0.3 s for 12 s; then every message must arrive (counted by Message-ID).
# Duplicates (a kill between "output written" and "claim removed") are
# counted and reported, and must stay few.

load helpers/common
load helpers/queues

N=${CRASH_MESSAGES:-1500}

setup() {
	lme_setup
	pipeline_setup
}

teardown() {
	pipeline_teardown
}

# run_with_kills DRAINED - dispatch with kills, then wait until DRAINED
# (a command) succeeds, bounded
run_with_kills() {
	"$BIN/dispatch" -f -c "$T/lme.conf" 2>"$T/dispatch.log" &
	DPID=$!
	kills=0
	end=$((SECONDS + 12))
	while [ $SECONDS -lt $end ]; do
		sleep 0.3
		victim=$(pgrep -P "$DPID" | shuf -n 1)
		[ -n "$victim" ] && kill -KILL "$victim" 2>/dev/null && kills=$((kills + 1))
	done
	echo "# $kills stages killed" >&3
	for _ in $(seq 600); do
		"$@" && break
		sleep 0.5
	done
	if ! "$@"; then
		for q in mts-out readyout mail.box exchange.box readyin mts-in badmail exchange.bad; do
			echo "# $q: new $(queue_count $q) cur $(queue_count $q cur) tmp $(queue_count $q tmp)" >&3
		done
		ls -l "$T"/spool/*/cur | head -20 | sed 's/^/# /' >&3
		grep -v 'status=sent' "$T/dispatch.log" | tail -30 | sed 's/^/# /' >&3
	fi
	kill -TERM "$DPID"
	wait "$DPID"
	DPID=
}

@test "outbound: $N messages, stages killed every 0.3 s for 12 s: none lost" {
	outbound_template | fill_queue mts-out
	run_with_kills outbound_drained
	outbound_drained
	# every Message-ID in mail.box, each once or a few times
	result=$(count_ids 'crash-[0-9]*@example.com' "$T"/spool/mail.box/new/*)
	read -r seen dup <<<"$result"
	echo "# outbound: $seen of $N delivered to mail.box, $dup duplicates" >&3
	[ "$(queue_count badmail)" = 0 ]
	[ "$seen" = "$N" ]
	[ "$dup" -le 50 ]
}

@test "inbound: $N memos, stages killed every 0.3 s for 12 s: none lost" {
	inbound_template | fill_queue exchange.box
	run_with_kills inbound_drained
	inbound_drained
	result=$(count_ids '^message-id: <crash-[0-9]*@notes.acme>' "$T"/out/*)
	read -r seen dup <<<"$result"
	echo "# inbound: $seen of $N submitted, $dup duplicates" >&3
	[ "$(queue_count exchange.bad)" = 0 ]
	[ "$(queue_count badmail)" = 0 ]
	[ "$seen" = "$N" ]
	[ "$dup" -le 50 ]
}
