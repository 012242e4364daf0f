#!/usr/bin/env bats
# run.bats - the README's "make run": in a copy of the tree, it builds and
# runs dispatch in the foreground on the copy's spool/ with lme.conf.local:
# every stage starts and the milter listens.

load helpers/common

setup() {
	lme_setup
	[ "$(id -u)" = 0 ] || skip "make run installs packages: root only"
	R="$T/repo"
	mkdir -p "$R"
	(cd "$LME_ROOT" && tar --exclude=./.git --exclude=./fuzz/out --exclude='./spool/*' -cf - .) | tar -C "$R" -xf -
	rm -f "$R/lme.conf.local"
	PORT=$(free_port)
}

# stop_dispatch - SIGTERM to the dispatch running in $R
stop_dispatch() {
	local p
	for p in $(pgrep -f 'bin/dispatch -f -c lme.conf.local'); do
		[ "$(readlink "/proc/$p/cwd")" = "$R" ] && kill -TERM "$p"
	done
	true
}

teardown() {
	stop_dispatch
	[ -n "${MPID:-}" ] && kill "$MPID" 2>/dev/null
	true
}

@test "make run: builds and runs the whole connector (dispatch, every stage, the milter) on lme.conf.local" {
	# the default configuration, on a free port for this test
	sed "s/^milter = inet:8890@127.0.0.1/milter = inet:$PORT@127.0.0.1/" "$R/lme.conf" > "$R/lme.conf.local"
	(cd "$R" && exec make run) > "$T/run.log" 2>&1 &
	MPID=$!
	for _ in $(seq 600); do
		grep -q "starting: ntsmex" "$T/run.log" && grep -q "starting: mexin" "$T/run.log" &&
			grep -q "starting: mexnts" "$T/run.log" && grep -q "starting: mexout" "$T/run.log" && break
		sleep 0.2
	done
	run cat "$T/run.log"
	assert_output --partial "starting: mexout"
	assert_output --partial "starting: mexnts"
	assert_output --partial "starting: ntsmex"
	assert_output --partial "starting: mexin"
	python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1",int(sys.argv[1])),2).close()' "$PORT"
	[ -d "$R/spool/mail.box/new" ]
	stop_dispatch
	wait "$MPID" || true
	MPID=
	run cat "$T/run.log"
	assert_output --partial "stopped"
}
