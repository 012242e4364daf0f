#!/usr/bin/env bats
# faults.bats - Postfix restarted in the middle of a milter session:
# mexout carries on, nothing half-stored, the next message goes through.

load helpers/common
load helpers/postfix

setup() {
	lme_setup
	require_root
	MPORT=$(free_port)
	lme_conf_set mexout milter "inet:$MPORT@127.0.0.1"
	"$BIN/mexout" -f >"$T/mexout.log" 2>&1 &
	MEXOUT_PID=$!
	wait_port "$MPORT"
}

teardown() {
	postfix_stop
	[ -n "${CLIENT_PID:-}" ] && kill "$CLIENT_PID" 2>/dev/null
	kill "$MEXOUT_PID" 2>/dev/null
	wait 2>/dev/null
	true
}

@test "Postfix stopped during a milter session, then started: mexout serves on, nothing lost or half-stored" {
	postfix_start "inet:127.0.0.1:$MPORT"
	# a client that stops in the middle of DATA
	python3 - "$PF_PORT" > "$T/client.log" 2>&1 <<'PY' &
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
f = s.makefile("rwb")
def cmd(line):
    f.write(line.encode() + b"\r\n"); f.flush()
    while True:
        r = f.readline().decode()
        print(r.strip(), flush=True)
        if r[3:4] != "-":
            return r
f.readline()
cmd("EHLO client.test")
cmd("MAIL FROM:<jane@partner.example>")
cmd("RCPT TO:<john.smith@notes.example.com>")
cmd("DATA")
f.write(b"Subject: half\r\n\r\nthe first half of the body\r\n"); f.flush()
time.sleep(30)
PY
	CLIENT_PID=$!
	for _ in $(seq 50); do grep -q '^354' "$T/client.log" && break; sleep 0.1; done
	grep -q '^354' "$T/client.log"
	postfix_stop
	kill "$CLIENT_PID" 2>/dev/null || true
	wait "$CLIENT_PID" 2>/dev/null || true
	CLIENT_PID=
	kill -0 "$MEXOUT_PID"
	[ "$(queue_count mts-out)" = 0 ] && [ "$(queue_count mts-out tmp)" = 0 ]
	[ "$(queue_count readyout)" = 0 ]
	# Postfix back: the next message is taken
	rm -rf "$T/pf"
	postfix_start "inet:127.0.0.1:$MPORT"
	run swaks --server "127.0.0.1:$PF_PORT" --from jane@partner.example \
		--to john.smith@notes.example.com --header "Subject: whole" --body "all of it"
	assert_success
	assert_output --partial "250 2.0.0 Ok: queued"
	wait_for 1 queue_count readyout
	grep -q "Subject: whole" "$T"/spool/readyout/new/*
	kill -0 "$MEXOUT_PID"
}
