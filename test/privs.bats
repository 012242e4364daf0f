#!/usr/bin/env bats
# privs.bats - privilege: as root, the programs run as [lme] user or refuse;
# no stage's steady-state process runs as root; queues are 0700.

load helpers/common

setup() {
	lme_setup
	require_root
	id nobody >/dev/null 2>&1 || skip "no user nobody"
	# a directory the unprivileged user can reach (the test's own is private)
	P=$(mktemp -d /tmp/lme-privs.XXXXXX)
	chmod 755 "$P"
	mkdir -m 700 "$P/spool"; mkdir "$P/maps"
	cp "$T/maps/addresses" "$P/maps/"
	chmod 644 "$P/maps/addresses"
	chown nobody "$P/spool"
	sed -e "s|^spool = .*|spool = $P/spool|" -e "s|^maps = .*|maps = $P/maps|" \
	    -e "/^allow_root/d" "$T/lme.conf" > "$P/lme.conf"
}

teardown() {
	[ -n "${DPID:-}" ] && kill "$DPID" 2>/dev/null && wait "$DPID" 2>/dev/null
	[ -n "${P:-}" ] && rm -rf "$P"
	true
}

@test "as root without [lme] user a stage refuses (77) and says why" {
	run "$BIN/ntsmex" -1 -c "$P/lme.conf"
	assert_failure 77
	assert_output --partial "refusing to run as root: set [lme] user"
}

@test "dispatch -n as root without [lme] user fails the check (78)" {
	run "$BIN/dispatch" -n -c "$P/lme.conf"
	assert_failure 78
	assert_output --partial "refusing to run as root"
}

@test "with [lme] user a stage run as root works as that user; queues are 0700" {
	printf '[lme]\nuser = nobody\n' > /dev/null
	sed -i "s|^\[lme\]|[lme]\nuser = nobody|" "$P/lme.conf"
	run "$BIN/ntsmex" -1 -c "$P/lme.conf"
	assert_success
	[ "$(stat -c %U "$P/spool/exchange.box/new")" = nobody ]
	[ "$(stat -c %a "$P/spool/exchange.box")" = 700 ]
	[ "$(stat -c %a "$P/spool/exchange.bad/new")" = 700 ]
}

@test "no stage started by dispatch runs as root in steady state" {
	sed -i "s|^\[lme\]|[lme]\nuser = nobody|" "$P/lme.conf"
	"$BIN/dispatch" -f -c "$P/lme.conf" 2>"$P/dispatch.log" &
	DPID=$!
	# wait (bounded) for the children
	for _ in $(seq 50); do
		n=$(pgrep -P "$DPID" | wc -l)
		[ "$n" -ge 2 ] && break
		sleep 0.1
	done
	[ "$n" -ge 2 ]
	for pid in $DPID $(pgrep -P "$DPID"); do
		uid=$(awk '/^Uid:/ {print $2 $3 $4 $5}' "/proc/$pid/status")
		[ "$uid" = "$(id -u nobody)$(id -u nobody)$(id -u nobody)$(id -u nobody)" ] ||
			{ echo "pid $pid ($(cat /proc/$pid/comm)) runs as $uid"; false; }
	done
}

@test "dispatch as root makes the unix: milter socket's directory for [lme] user; the socket is 0660" {
	sed -i "s|^\[lme\]|[lme]\nuser = nobody|" "$P/lme.conf"
	mkdir -m 755 "$P/run"
	printf '[mexout]\nmilter = unix:%s/run/lme/milter.sock\n' "$P" >> "$P/lme.conf"
	"$BIN/dispatch" -f -c "$P/lme.conf" 2>"$P/dispatch.log" &
	DPID=$!
	for _ in $(seq 100); do [ -S "$P/run/lme/milter.sock" ] && break; sleep 0.1; done
	[ -S "$P/run/lme/milter.sock" ] || { cat "$P/dispatch.log"; false; }
	[ "$(stat -c %U "$P/run/lme")" = nobody ]
	[ "$(stat -c %a "$P/run/lme")" = 750 ]
	[ "$(stat -c %U "$P/run")" = root ]
	[ "$(stat -c %a "$P/run/lme/milter.sock")" = 660 ]
	[ "$(stat -c %U "$P/run/lme/milter.sock")" = nobody ]
}

@test "a milter port below 1024 is refused up front: the milter runs as [lme] user" {
	sed -i "s|^\[lme\]|[lme]\nuser = nobody|" "$P/lme.conf"
	printf '[mexout]\nmilter = inet:25@127.0.0.1\n' >> "$P/lme.conf"
	run "$BIN/dispatch" -n -c "$P/lme.conf"
	assert_failure 78
	assert_output --partial "[mexout] milter: port 25 needs root"
}
