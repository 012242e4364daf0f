#!/usr/bin/env bats
# signals.bats - every stage survives SIGHUP and SIGTERM at any moment with
# its queue consistent: messages flowing both ways through dispatch and all
# the stages (fed in batches all along), SIGHUP sent to dispatch and to random stages at random short
# intervals, and SIGTERM to a few single stages (dispatch starts them
# again).  Then every message arrives exactly once (a SIGHUP or a clean
# stop must never cause a duplicate), dispatch exits 0 on SIGTERM, and no
# file is left in any tmp/ or cur/.

load helpers/common
load helpers/queues

N=${SIGNAL_MESSAGES:-600}
BATCH=50
STORM=${SIGNAL_SECONDS:-6}

setup() {
	lme_setup
	pipeline_setup
}

teardown() {
	pipeline_teardown
}

# feed - the next $BATCH messages each way, while there are some left
feed() {
	[ "$filled" -lt "$N" ] || return 0
	outbound_template | fill_queue mts-out "$BATCH" "$filled"
	inbound_template | fill_queue exchange.box "$BATCH" "$filled"
	filled=$((filled + BATCH))
}

# both_drained - nothing left to do in either direction
both_drained() {
	outbound_drained && inbound_drained
}

@test "SIGHUP storm and single SIGTERMs, $N messages each way: each arrives exactly once, clean stop" {
	filled=0
	feed
	seed=${SIGNAL_SEED:-$$}
	RANDOM=$seed
	echo "# seed $seed (SIGNAL_SEED=$seed to repeat the same choices)" >&3
	"$BIN/dispatch" -f -c "$T/lme.conf" 2>"$T/dispatch.log" &
	DPID=$!
	hups=0 terms=0
	next_term=$((RANDOM % 1000 + 500))
	start=$(date +%s%N)
	while :; do
		ms=$((($(date +%s%N) - start) / 1000000))
		[ "$ms" -lt $((STORM * 1000)) ] || break
		# messages keep coming while the signals do
		[ "$ms" -lt $((filled / BATCH * STORM * 1000 * BATCH / N)) ] || feed
		# 10 to 150 ms between signals
		sleep "0.$(printf '%03d' $((RANDOM % 140 + 10)))"
		mapfile -t kids < <(pgrep -P "$DPID")
		if [ "$ms" -ge "$next_term" ] && [ "${#kids[@]}" -gt 0 ]; then
			kill -TERM "${kids[RANDOM % ${#kids[@]}]}" 2>/dev/null && terms=$((terms + 1))
			next_term=$((ms + RANDOM % 1000 + 1200))
		elif [ $((RANDOM % 4)) = 0 ] || [ "${#kids[@]}" = 0 ]; then
			kill -HUP "$DPID" && hups=$((hups + 1))
		else
			kill -HUP "${kids[RANDOM % ${#kids[@]}]}" 2>/dev/null && hups=$((hups + 1))
		fi
	done
	echo "# $hups SIGHUP, $terms SIGTERM of a stage in ${STORM} s" >&3
	for _ in $(seq 240); do
		both_drained && break
		sleep 0.25
	done
	if ! both_drained; then
		for q in mts-out readyout mail.box exchange.box readyin mts-in badmail exchange.bad; do
			echo "# $q: new $(queue_count $q) cur $(queue_count $q cur) tmp $(queue_count $q tmp)" >&3
		done
		grep -v 'status=sent' "$T/dispatch.log" | tail -30 | sed 's/^/# /' >&3
		false
	fi
	kill -TERM "$DPID"
	rc=0
	wait "$DPID" || rc=$?
	DPID=
	[ "$rc" = 0 ] || { echo "dispatch exited $rc"; tail -20 "$T/dispatch.log"; false; }

	# nothing half-done anywhere after a clean stop
	left=$(find "$T"/spool/*/tmp "$T"/spool/*/cur -type f | wc -l)
	[ "$left" = 0 ] || { find "$T"/spool/*/tmp "$T"/spool/*/cur -type f; false; }
	[ "$(queue_count badmail)" = 0 ]
	[ "$(queue_count exchange.bad)" = 0 ]

	read -r seen dup < <(count_ids 'crash-[0-9]*@example.com' "$T"/spool/mail.box/new/*)
	echo "# outbound: $seen of $N in mail.box, $dup duplicates" >&3
	read -r iseen idup < <(count_ids '^message-id: <crash-[0-9]*@notes.acme>' "$T"/out/*)
	echo "# inbound: $iseen of $N relayed, $idup duplicates" >&3
	[ "$seen" = "$N" ] && [ "$dup" = 0 ]
	[ "$iseen" = "$N" ] && [ "$idup" = 0 ]
	# no stage died of a signal it should have handled
	! grep -E 'signal [0-9]+ \((Hangup|Terminated)\)' "$T/dispatch.log"
}
