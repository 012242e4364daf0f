#!/usr/bin/env bats
# dispatch(8): the supervisor, with fake stages (small shell scripts in a
# temp bin directory next to a symbolic link to dispatch), and dispatch -n.

load helpers/common

setup() {
	lme_setup
	FB="$T/bin"
	mkdir -p "$FB" "$T/rec"
	ln -s "$BIN/dispatch" "$FB/dispatch"
	DPID=
}

teardown() {
	if [ -n "${EXTRA:-}" ]; then rm -rf "$EXTRA"; fi
	if [ -n "$DPID" ] && kill -0 "$DPID" 2>/dev/null; then
		kill -KILL "$DPID" 2>/dev/null || true
	fi
	# the fakes' own pids, recorded as the first word of each line
	for f in "$T"/rec/*; do
		[ -f "$f" ] || continue
		while read -r pid _; do
			case "$pid" in ''|*[!0-9]*) continue ;; esac
			kill -KILL "$pid" 2>/dev/null || true
		done < "$f"
	done
}

# fake_stage NAME [exit N | ignore-term] - a stage that records its pid and
# arguments in $T/rec/NAME and the signals it gets in $T/rec/NAME.sig
fake_stage() {
	local name=$1 mode=${2:-run} code=${3:-0} body
	case "$mode" in
	exit) body="exit $code" ;;
	ignore-term) body="trap '' TERM; while :; do sleep 0.1; done" ;;
	slow-term) body="trap 'sleep 1; echo \"\$\$ finished\" >> $T/rec/$name.sig; exit 0' TERM; while :; do sleep 0.1; done" ;;
	*) body="while :; do sleep 0.1; done" ;;
	esac
	cat > "$FB/$name" <<EOF
#!/bin/sh
echo "\$\$ \$*" >> "$T/rec/$name"
trap 'echo "\$\$ TERM" >> "$T/rec/$name.sig"; exit 0' TERM
trap 'echo "\$\$ HUP" >> "$T/rec/$name.sig"' HUP
$body
EOF
	chmod +x "$FB/$name"
}

start_dispatch() {
	"$FB/dispatch" -f -c "$T/lme.conf" "$@" > "$T/out" 2> "$T/log" 3>&- &
	DPID=$!
}

# wait_for CMD - poll CMD every 0.1 s for at most 10 s
wait_for() {
	local i
	for i in $(seq 1 100); do
		if eval "$1"; then return 0; fi
		sleep 0.1
	done
	echo "timed out waiting for: $1" >&2
	cat "$T/log" >&2
	return 1
}

lines() { [ -f "$1" ] && wc -l < "$1" || echo 0; }

stop_dispatch() {
	kill -TERM "$DPID"
	wait "$DPID"
}

@test "dispatch starts the stages that exist, each with -f -c FILE" {
	fake_stage mexnts
	fake_stage ntsmex
	fake_stage dxa			# [dxa] schedule is 0: not run
	start_dispatch
	wait_for '[ -s "$T/rec/mexnts" ] && [ -s "$T/rec/ntsmex" ]'
	run cut -d' ' -f2- "$T/rec/mexnts"
	assert_output "-f -c $T/lme.conf"
	run cut -d' ' -f2- "$T/rec/ntsmex"
	assert_output "-f -c $T/lme.conf"
	run cat "$T/log"
	assert_output --regexp "started mexnts \(pid [0-9]+\)"
	assert_output --regexp "started ntsmex \(pid [0-9]+\)"
	refute_output --partial "mexout"
	refute_output --partial "mexin"
	sleep 0.3
	assert_file_not_exist "$T/rec/dxa"
	stop_dispatch
}

@test "dispatch restarts a child that dies, with a doubling back-off" {
	fake_stage mexnts exit 3
	start_dispatch
	wait_for '[ "$(lines "$T/rec/mexnts")" -ge 3 ]'
	run cat "$T/log"
	assert_output --regexp "child mexnts \(pid [0-9]+\) exited with status 3; restarting in 1s"
	assert_output --regexp "child mexnts \(pid [0-9]+\) exited with status 3; restarting in 2s"
	# three runs, three processes
	run sh -c "cut -d' ' -f1 '$T/rec/mexnts' | sort -u | wc -l"
	assert [ "$output" -ge 3 ]
	stop_dispatch
}

@test "dispatch: SIGTERM reaches every child and dispatch exits 0 well within 5 s" {
	fake_stage mexnts
	fake_stage mexin
	start_dispatch
	wait_for '[ -s "$T/rec/mexnts" ] && [ -s "$T/rec/mexin" ]'
	t0=$(date +%s%N)
	kill -TERM "$DPID"
	rc=0; wait "$DPID" || rc=$?
	[ "$rc" -eq 0 ]
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$ms" -lt 2000 ]
	assert_file_contains "$T/rec/mexnts.sig" "TERM"
	assert_file_contains "$T/rec/mexin.sig" "TERM"
	assert_file_contains "$T/log" "stopped"
}

@test "dispatch: a child that ignores SIGTERM is killed, and dispatch exits 0 within 5 s" {
	fake_stage mexnts ignore-term
	start_dispatch
	wait_for '[ -s "$T/rec/mexnts" ]'
	sleep 0.2			# let the fake set its trap
	child=$(cut -d' ' -f1 "$T/rec/mexnts")
	t0=$(date +%s%N)
	kill -TERM "$DPID"
	rc=0; wait "$DPID" || rc=$?
	[ "$rc" -eq 0 ]
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "stopped after ${ms}ms" >&3
	[ "$ms" -lt 5000 ]
	[ "$ms" -ge 3500 ]
	assert_file_contains "$T/log" "still running after 4000ms: SIGKILL"
	run kill -0 "$child"
	assert_failure
}

@test "dispatch: SIGINT stops it like SIGTERM" {
	fake_stage mexnts
	start_dispatch
	wait_for '[ -s "$T/rec/mexnts" ]'
	kill -INT "$DPID"
	rc=0; wait "$DPID" || rc=$?
	[ "$rc" -eq 0 ]
	assert_file_contains "$T/rec/mexnts.sig" "TERM"
}

@test "dispatch: SIGHUP re-reads the configuration and is passed on" {
	fake_stage mexnts
	start_dispatch
	wait_for '[ -s "$T/rec/mexnts" ]'
	sleep 0.2
	kill -HUP "$DPID"
	wait_for '[ -s "$T/rec/mexnts.sig" ]'
	assert_file_contains "$T/rec/mexnts.sig" "HUP"
	assert_file_contains "$T/log" "configuration reloaded from $T/lme.conf; SIGHUP passed to 1 child"
	stop_dispatch
}

@test "dispatch: SIGHUP with a broken file keeps the running configuration and the children" {
	fake_stage mexnts
	start_dispatch
	wait_for '[ -s "$T/rec/mexnts" ]'
	echo "bogus_key = 1" >> "$T/lme.conf"
	kill -HUP "$DPID"
	wait_for 'grep -q "keeping the running configuration" "$T/log"'
	assert_file_contains "$T/log" "reload: $T/lme.conf:[0-9]*: \[mexin\] bogus_key: unknown key"
	sleep 0.3
	assert_file_not_exist "$T/rec/mexnts.sig"
	kill -0 "$DPID"
	[ "$(lines "$T/rec/mexnts")" -eq 1 ]
	stop_dispatch
}

@test "dispatch: SIGHUP starts a stage that has appeared since" {
	fake_stage mexnts
	start_dispatch
	wait_for '[ -s "$T/rec/mexnts" ]'
	fake_stage ntsmex
	kill -HUP "$DPID"
	wait_for '[ -s "$T/rec/ntsmex" ]'
	stop_dispatch
}

@test "dispatch runs dxa -update every [dxa] schedule seconds" {
	lme_conf_set dxa schedule 1
	fake_stage mexnts
	fake_stage dxa exit 0
	start_dispatch
	wait_for '[ "$(lines "$T/rec/dxa")" -ge 3 ]'
	run cut -d' ' -f2- "$T/rec/dxa"
	assert_line --index 0 "-update -f -c $T/lme.conf"
	assert_file_contains "$T/log" "dxa (pid [0-9]*) finished; next run in"
	# a finished dxa is not "restarted": no back-off lines for it
	run grep -c "child dxa" "$T/log"
	assert_output 0
	stop_dispatch
}

@test "dispatch logs a dxa run that fails, and keeps the schedule" {
	lme_conf_set dxa schedule 1
	fake_stage dxa exit 2
	start_dispatch
	wait_for '[ "$(lines "$T/rec/dxa")" -ge 2 ]'
	assert_file_contains "$T/log" "child dxa (pid [0-9]*) exited with status 2; next run in [01]s"
	stop_dispatch
}

@test "dispatch with no stage programs beside it exits 69" {
	run "$FB/dispatch" -f -c "$T/lme.conf"
	assert_failure 69
	assert_output --partial "no stage programs"
	assert_output --partial "$FB"
}

@test "dispatch -n: a good file exits 0 and creates the spool's queues" {
	run "$BIN/dispatch" -n -c "$T/lme.conf"
	assert_success
	assert_output --partial "$T/lme.conf: configuration ok"
	for q in mts-out readyout mail.box exchange.box readyin mts-in badmail exchange.bad; do
		assert_dir_exist "$T/spool/$q/new"
	done
}

@test "dispatch -n uses \$LME_CONF without -c" {
	run "$BIN/dispatch" -n
	assert_success
	assert_output --partial "$T/lme.conf: configuration ok"
}

@test "dispatch -n: an unknown key exits 78 naming file, line and key" {
	sed -i 's/^poll_interval = 1$/poll_interval = 1\nwibble = 2/' "$T/lme.conf"
	line=$(grep -n '^wibble' "$T/lme.conf" | cut -d: -f1)
	run "$BIN/dispatch" -n -c "$T/lme.conf"
	assert_failure 78
	assert_output --partial "$T/lme.conf:$line: [lme] wibble: unknown key"
}

@test "dispatch -n: a bad value exits 78 naming file, line and key" {
	lme_conf_set mexnts body_format html
	line=$(grep -n '^body_format' "$T/lme.conf" | cut -d: -f1)
	run "$BIN/dispatch" -n -c "$T/lme.conf"
	assert_failure 78
	assert_output --partial "$T/lme.conf:$line: [mexnts] body_format: expected one of richtext|mime"
}

@test "dispatch -n: a missing required key exits 78 naming it" {
	sed -i '/^notes_domain/d' "$T/lme.conf"
	run "$BIN/dispatch" -n -c "$T/lme.conf"
	assert_failure 78
	assert_output --partial "$T/lme.conf: [lme] notes_domain: required key missing"
}

@test "dispatch -n: a syntax error exits 78 naming file and line" {
	printf '[mexin\nrelay = x\n' >> "$T/lme.conf"
	line=$(grep -n '^\[mexin$' "$T/lme.conf" | cut -d: -f1)
	run "$BIN/dispatch" -n -c "$T/lme.conf"
	assert_failure 78
	assert_output --partial "$T/lme.conf:$line: syntax error"
}

@test "dispatch -n: a missing file exits 78" {
	run "$BIN/dispatch" -n -c "$T/nonesuch.conf"
	assert_failure 78
	assert_output --partial "$T/nonesuch.conf: No such file or directory"
}

@test "dispatch -n: a spool that cannot be created exits 78" {
	touch "$T/plainfile"
	lme_conf_set lme spool "$T/plainfile/spool"
	run "$BIN/dispatch" -n -c "$T/lme.conf"
	assert_failure 78
	assert_output --partial "[lme] spool: create directory $T/plainfile/spool"
}

@test "dispatch -n: a bad maps/addresses line exits 78 naming file and line" {
	printf '# comment\nno-tab-here\n' >> "$T/maps/addresses"
	run "$BIN/dispatch" -n -c "$T/lme.conf"
	assert_failure 78
	assert_output --partial "$T/maps/addresses:3: expected SMTP-ADDRESS<TAB>NOTES-ADDRESS"
}

@test "dispatch: usage errors exit 64, -V prints the version" {
	run "$BIN/dispatch" -x
	assert_failure 64
	run "$BIN/dispatch" extra-argument
	assert_failure 64
	run "$BIN/dispatch" -V
	assert_success
	assert_output --regexp "^dispatch \(lme\) [0-9]"
}

@test "dispatch writes metrics_file with queue depth and oldest age per queue" {
	lme_conf_set lme metrics_file "$T/metrics.prom"
	fake_stage mexnts
	mkdir -p "$T/spool/readyout/new"
	old=$(( $(date +%s) - 100 ))
	printf 'x\n' > "$T/spool/readyout/new/$old.M1P1Q1.host"
	printf 'y\n' > "$T/spool/readyout/new/$(date +%s).M1P1Q2.host"
	start_dispatch
	wait_for '[ -s "$T/metrics.prom" ]'
	assert_file_contains "$T/metrics.prom" '^lme_queue_messages{queue="readyout"} 2$'
	assert_file_contains "$T/metrics.prom" '^lme_queue_messages{queue="exchange.bad"} 0$'
	run grep '^lme_queue_oldest_seconds{queue="readyout"}' "$T/metrics.prom"
	age=${output##* }
	[ "$age" -ge 100 ] && [ "$age" -lt 130 ]
	assert_file_contains "$T/metrics.prom" '^lme_child_up{child="mexnts"} 1$'
	# rewritten every poll_interval (1 s): a new message shows up
	printf 'z\n' > "$T/spool/readyout/new/$(date +%s).M1P1Q3.host"
	wait_for 'grep -q "^lme_queue_messages{queue=\"readyout\"} 3$" "$T/metrics.prom"'
	# never a half-written file: no temp file left behind
	run ls "$T"
	refute_output --partial "metrics.prom.tmp"
	stop_dispatch
}

@test "supervise unit test: back-off doubles to 60 s, resets after a stable run, schedules" {
	run "$LME_ROOT/test/unit/supervise_test"
	assert_success
	assert_output --partial "all passed"
}

@test "dispatch does not restart a child whose program has gone" {
	fake_stage mexnts
	fake_stage ntsmex
	start_dispatch
	wait_for '[ -s "$T/rec/mexnts" ] && [ -s "$T/rec/ntsmex" ]'
	rm "$FB/mexnts"
	kill -TERM "$(cut -d' ' -f1 "$T/rec/mexnts")"
	wait_for 'grep -q "not started again" "$T/log"'
	assert_file_contains "$T/log" "child mexnts (pid [0-9]*) exited with status 0; not started again: $FB/mexnts"
	sleep 1.5
	[ "$(lines "$T/rec/mexnts")" -eq 1 ]
	kill -0 "$DPID"
	stop_dispatch
}

@test "dispatch waits for a child that takes a while to finish after SIGTERM" {
	fake_stage mexnts slow-term
	start_dispatch
	wait_for '[ -s "$T/rec/mexnts" ]'
	sleep 0.2
	t0=$(date +%s%N)
	kill -TERM "$DPID"
	rc=0; wait "$DPID" || rc=$?
	[ "$rc" -eq 0 ]
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$ms" -ge 900 ] && [ "$ms" -lt 4500 ]
	assert_file_contains "$T/rec/mexnts.sig" "finished"
	run grep -c SIGKILL "$T/log"; assert_output 0
}

@test "dispatch without -f logs to syslog and starts the stages without -f; -v is passed on" {
	fake_stage mexnts
	"$FB/dispatch" -v -c "$T/lme.conf" > "$T/out" 2> "$T/log" 3>&- &
	DPID=$!
	wait_for '[ -s "$T/rec/mexnts" ]'
	run cut -d' ' -f2- "$T/rec/mexnts"
	assert_output "-v -c $T/lme.conf"
	run grep -c "started mexnts" "$T/log"; assert_output 0
	stop_dispatch
}

@test "dispatch killed with SIGKILL: its children get SIGTERM, none is left behind" {
	fake_stage mexnts
	start_dispatch
	wait_for '[ -s "$T/rec/mexnts" ]'
	sleep 0.2
	kill -KILL "$DPID"
	wait "$DPID" || true
	wait_for '[ -s "$T/rec/mexnts.sig" ]'
	assert_file_contains "$T/rec/mexnts.sig" "TERM"
}

@test "dispatch -n as root with [lme] user creates the queues as that user" {
	require_root
	id nobody > /dev/null 2>&1 || skip "no user nobody"
	# a directory that user can reach (the test's own is private)
	EXTRA=$(mktemp -d /tmp/lme-dispatch-test.XXXXXX)
	chmod 755 "$EXTRA"
	mkdir -m 700 "$EXTRA/spool"; mkdir "$EXTRA/maps"
	chown nobody "$EXTRA/spool"
	cp "$T/maps/addresses" "$EXTRA/maps/" && chmod 644 "$EXTRA/maps/addresses"
	lme_conf_set lme user nobody
	lme_conf_set lme spool "$EXTRA/spool"
	lme_conf_set lme maps "$EXTRA/maps"
	run "$BIN/dispatch" -n -c "$T/lme.conf"
	assert_success
	assert_equal "$(stat -c %U "$EXTRA/spool/readyout")" nobody
	lme_conf_set lme user no-such-user-here
	run "$BIN/dispatch" -n -c "$T/lme.conf"
	assert_failure 78
	assert_output --partial 'unknown user "no-such-user-here"'
}

@test "dispatch with a real stage skeleton: SIGHUP reloads it, SIGTERM lets it finish its message" {
	ln -s "$LME_ROOT/test/progs/stage_slow" "$FB/mexnts"
	start_dispatch
	wait_for 'grep -q "mexnts\[[0-9]*\]: starting" "$T/log"'
	kill -HUP "$DPID"
	wait_for 'grep -q "mexnts\[[0-9]*\]: configuration reloaded" "$T/log"'
	sed 's/@ID@/x/' "$FIXTURES/dispatch/smtp.msg" | "$BIN/mexq" inject readyout > "$T/id"
	id=$(cut -d: -f1 "$T/id")
	# stop it while the stage is working on the message
	wait_for '[ "$(queue_count readyout cur)" -eq 1 ]'
	kill -TERM "$DPID"
	rc=0; wait "$DPID" || rc=$?
	[ "$rc" -eq 0 ]
	assert_file_exist "$T/spool/mail.box/new/$id"
	[ "$(queue_count readyout)" -eq 0 ]
	[ "$(queue_count readyout cur)" -eq 0 ]
	assert_file_contains "$T/log" "mexnts\[[0-9]*\]: $id: status=sent (mail.box)"
	assert_file_contains "$T/log" "child mexnts (pid [0-9]*) exited with status 0"
}
