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
	# maps/addresses is re-read when it changes
	printf 'nobody@notes.example.com\tNo Body/Acme@Acme\n' >> "$T/maps/addresses"
	run send jane@partner.example nobody@notes.example.com
	assert_success
	wait_for 1 queue_count readyout
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

@test "milter: IMCEANOTES recipients; ESMTP DSN parameters, RET and ENVID are kept" {
	with_postfix
	run python3 - "$PF_PORT" <<'PY'
import smtplib, sys
s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]))
s.sendmail("jane@partner.example", ["john.smith@notes.example.com",
           "IMCEANOTES-Jim+20Bob_Acme+40Acme@example.com"],
           "Subject: dsn\r\n\r\nbody\r\n", mail_options=["RET=HDRS", "ENVID=abc+2Bdef"],
           rcpt_options=["NOTIFY=FAILURE,DELAY", "ORCPT=rfc822;john+2Bsmith@notes.example.com"])
s.quit()
PY
	assert_success
	wait_for 1 queue_count readyout
	run cat "$T"/spool/readyout/new/*
	assert_output --partial "ret HDRS"
	assert_output --partial "envid abc+2Bdef"
	assert_output --partial "notify=FAILURE,DELAY	orcpt=rfc822;john+2Bsmith@notes.example.com"
	assert_output --partial "rcpt smtp=IMCEANOTES-Jim+20Bob_Acme+40Acme@example.com	notes=Jim Bob/Acme@Acme"
}

@test "milter: a message that cannot be stored is refused with 451 4.3.0 (never accepted)" {
	with_postfix
	rm -rf "$T/spool/mts-out/tmp"
	touch "$T/spool/mts-out/tmp"
	run send jane@partner.example john.smith@notes.example.com
	assert_failure
	assert_output --partial "<** 451 4.3.0"
	postfix_wait_idle
	run postfix_log
	refute_output --partial "status=sent"
}

@test "milter: a message over max_message_size is refused with 552 5.3.4" {
	lme_conf_set mexnts max_message_size 2k
	with_postfix
	run swaks --server "127.0.0.1:$PF_PORT" --from jane@partner.example \
		--to john.smith@notes.example.com --body "$(head -c 3000 /dev/zero | tr '\0' x)"
	assert_failure
	assert_output --partial "<** 552 5.3.4"
	assert_equal "$(queue_count mts-out)" 0
	assert_equal "$(queue_count readyout)" 0
}

@test "-enqueue: exit 0 when stored in mts-out, with the envelope" {
	run enqueue -f jane@partner.example -- john.smith@notes.example.com
	assert_success
	assert_equal "$(queue_count mts-out)" 1
	run cat "$T"/spool/mts-out/new/*
	assert_output --partial "sender jane@partner.example"
	assert_output --partial "rcpt smtp=john.smith@notes.example.com"
	assert_output --partial "hops 0"
	assert_output --partial "Subject: hi"
}

@test "-enqueue: exit 67 (EX_NOUSER) for a recipient that does not translate; nothing stored" {
	run enqueue -f jane@partner.example -- john.smith@notes.example.com nobody@notes.example.com
	assert_failure 67
	assert_output --partial "nobody@notes.example.com"
	assert_equal "$(queue_count mts-out)" 0
}

@test "-enqueue: exit 75 (EX_TEMPFAIL) when the spool cannot be written" {
	touch "$T/notadir"
	lme_conf_set lme spool "$T/notadir/spool"
	run enqueue -f jane@partner.example -- john.smith@notes.example.com
	assert_failure 75
}

@test "-enqueue: exit 64 (EX_USAGE) without -f or recipients" {
	run enqueue -- john.smith@notes.example.com
	assert_failure 64
	run enqueue -f jane@partner.example --
	assert_failure 64
}

@test "-enqueue: 10,001 recipients: exit 64 (EX_USAGE) naming the limit, nothing stored; 10,000 are delivered" {
	for i in $(seq 0 10000); do printf 'u%d@notes.example.com\tU %d/Acme@Acme\n' "$i" "$i"; done >> "$T/maps/addresses"
	run enqueue -f jane@partner.example -- $(seq -f 'u%g@notes.example.com' 0 10000)
	assert_failure 64
	assert_output --partial "too many recipients: 10001, at most 10000"
	assert_equal "$(queue_count mts-out)" 0
	run enqueue -f jane@partner.example -- $(seq -f 'u%g@notes.example.com' 0 9999)
	assert_success
	run "$BIN/mexout" -1 -f
	assert_success
	assert_equal "$(queue_count badmail)" 0
	run grep -c "^rcpt " "$T"/spool/readyout/new/*
	assert_output 10000
}

@test "worker: sender one-off form, map and IMCEANOTES decapsulation, same queue id" {
	printf 'jane.doe@example.com\tJane Doe/Sales/Acme@Acme\n' >> "$T/maps/addresses"
	run enqueue -f jane@partner.example -- john.smith@notes.example.com \
		IMCEANOTES-Jim+20Bob_Acme+40Acme@example.com
	assert_success
	run enqueue -f jane.doe@example.com -- john.smith@notes.example.com
	assert_success
	id=$(ls "$T/spool/mts-out/new" | sort | head -1)
	run "$BIN/mexout" -1 -f
	assert_success
	assert_output --partial "status=sent (readyout)"
	assert_equal "$(queue_count mts-out)" 0
	assert_equal "$(queue_count readyout)" 2
	run cat "$T/spool/readyout/new/$id"
	assert_output --partial "sender_notes jane@partner.example@Exchange"
	assert_output --partial "notes=John Smith/Sales/Acme@Acme"
	assert_output --partial "rcpt smtp=IMCEANOTES-Jim+20Bob_Acme+40Acme@example.com	notes=Jim Bob/Acme@Acme"
	run grep -l "sender_notes Jane Doe/Sales/Acme@Acme" "$T"/spool/readyout/new/*
	assert_success
}

@test "worker: a recipient that no longer translates is dropped and gets a DSN" {
	run enqueue -f jane@partner.example -- john.smith@notes.example.com \
		IMCEANOTES-Jim+20Bob_Acme+40Acme@example.com
	assert_success
	: > "$T/maps/addresses"		# the map line is gone
	run "$BIN/mexout" -1 -f
	assert_success
	assert_output --regexp "sender non-delivery notification: [^ ]+"
	assert_output --partial "to=<john.smith@notes.example.com>, status=bounced"
	run cat "$T"/spool/readyout/new/*
	refute_output --partial "john.smith@notes.example.com"
	assert_output --partial "notes=Jim Bob/Acme@Acme"
	assert_equal "$(queue_count mts-in)" 1
	run python3 "$FIXTURES/mexout/dsncheck.py" "$T"/spool/mts-in/new/*
	assert_success
	assert_output --partial "sender=<>"
	assert_output --partial "rcpt=jane@partner.example"
	assert_output --partial "report=yes"
	assert_output --partial "type=multipart/report report-type=delivery-status"
	assert_output --partial "Final-Recipient=rfc822; john.smith@notes.example.com"
	assert_output --partial "Status=5.1.1"
	assert_output --partial "Action=failed"
	assert_output --partial "part3=text/rfc822-headers"
}

@test "worker: no DSN to the null sender (also MAILER-DAEMON, pipe's null sender)" {
	run enqueue -f '' -- john.smith@notes.example.com
	assert_success
	run enqueue -f MAILER-DAEMON -- john.smith@notes.example.com
	assert_success
	run grep -c '^sender $' "$T"/spool/mts-out/new/*
	refute_output --partial ":0"
	: > "$T/maps/addresses"
	run "$BIN/mexout" -1 -f
	assert_success
	assert_output --partial "status=bounced"
	assert_equal "$(queue_count mts-in)" 0
	assert_equal "$(queue_count readyout)" 0
	assert_equal "$(queue_count mts-out)" 0
}

@test "worker: 26 Received headers is a mail loop (badmail), 25 passes" {
	for n in 25 26; do
		{ for i in $(seq 1 $n); do printf 'Received: from h%d by h%d; Sat, 1 Nov 2025 10:00:00 +0000\n' $i $i; done
		  printf 'Subject: loop %d\n\nbody\n' $n; } > "$T/m$n"
		"$BIN/mexout" -enqueue -f jane@partner.example -- john.smith@notes.example.com < "$T/m$n"
	done
	run "$BIN/mexout" -1 -f
	assert_output --partial "mail loop"
	assert_equal "$(queue_count readyout)" 1
	assert_equal "$(queue_count badmail)" 1
	run grep -l "Subject: loop 25" "$T"/spool/readyout/new/*
	assert_success
	run cat "$T"/spool/badmail/new/*.reason
	assert_output --partial "mail loop"
	# the sender is told: a DSN for the looping message, status 5.4.6
	assert_equal "$(queue_count mts-in)" 1
	run cat "$T"/spool/mts-in/new/*
	assert_output --partial "Status: 5.4.6"
	assert_output --partial "rcpt smtp=jane@partner.example"
}

@test "mexout with a milter: SIGHUP keeps it serving, SIGTERM stops it at once" {
	mexout_start
	kill -HUP "$MEXOUT_PID"
	wait_for 1 grep -c "configuration reloaded" "$T/mexout.log"
	wait_port "$MPORT"
	start=$(date +%s%N)
	kill -TERM "$MEXOUT_PID"
	wait "$MEXOUT_PID"
	status=$?
	MEXOUT_PID=
	assert_equal "$status" 0
	[ $(( ($(date +%s%N) - start) / 1000000 )) -lt 2000 ]
	run cat "$T/mexout.log"
	assert_output --partial "stopping"
	refute_output --partial "milter stopped by itself"
}

@test "mexout: a milter socket that cannot be opened is a configuration error (78)" {
	lme_conf_set mexout milter "unix:$T/no/such/dir/sock"
	run "$BIN/mexout" -f
	assert_failure 78
	assert_output --partial "milter: cannot listen"
}

@test "milter: ten clients at once, each message stored once with its own recipient" {
	with_postfix
	for i in $(seq 1 9); do
		printf 'user%d@notes.example.com\tUser %d/Acme@Acme\n' "$i" "$i" >> "$T/maps/addresses"
	done
	run python3 - "$PF_PORT" <<'PY'
import smtplib, sys, threading
port, errors = int(sys.argv[1]), []
def one(i):
    try:
        s = smtplib.SMTP("127.0.0.1", port)
        to = "john.smith@notes.example.com" if i == 0 else "user%d@notes.example.com" % i
        s.sendmail("jane@partner.example", [to], "Subject: n%d\r\n\r\nbody %d\r\n" % (i, i))
        s.quit()
    except Exception as e:
        errors.append(repr(e))
ts = [threading.Thread(target=one, args=(i,)) for i in range(10)]
[t.start() for t in ts]
[t.join() for t in ts]
print("\n".join(errors))
sys.exit(1 if errors else 0)
PY
	assert_success
	wait_for 10 queue_count readyout
	for i in $(seq 1 9); do
		run grep -l "notes=User $i/Acme@Acme" "$T"/spool/readyout/new/*
		assert_success
		assert_equal "${#lines[@]}" 1
		run grep -c "Subject: n$i\$" "${lines[0]}"
		assert_output 1
	done
}

@test "milter: Postfix reaches a unix socket in its queue directory by the relative path of contrib/postfix/main.cf.milter" {
	require_root
	# the socket where contrib puts it, under Postfix's queue directory
	mkdir -p "$T/pf/queue/lme"
	chmod 755 "$T/pf/queue/lme"
	lme_conf_set mexout milter "unix:$T/pf/queue/lme/milter.sock"
	"$BIN/mexout" -f >"$T/mexout.log" 2>&1 &
	MEXOUT_PID=$!
	wait_for 1 sh -c "[ -S '$T/pf/queue/lme/milter.sock' ] && echo 1"
	# Postfix's smtpd reaches it through the group (adduser postfix lme)
	chgrp postfix "$T/pf/queue/lme/milter.sock"
	postfix_start "$(sed -n 's/^smtpd_milters = //p' "$LME_ROOT/contrib/postfix/main.cf.milter")"
	grep -q "^smtpd_milters = unix:lme/milter.sock$" "$PF/etc/main.cf"
	run send jane@partner.example john.smith@notes.example.com
	assert_success
	assert_output --partial "<-  250 2.0.0 Ok: queued"
	wait_for 1 queue_count readyout
}

@test "mexout: a unix: milter socket" {
	lme_conf_set mexout milter "unix:$T/milter.sock"
	"$BIN/mexout" -f >"$T/mexout.log" 2>&1 &
	MEXOUT_PID=$!
	wait_for 1 sh -c "[ -S '$T/milter.sock' ] && echo 1"
	run cat "$T/mexout.log"
	assert_output --partial "milter listening on unix:$T/milter.sock"
	assert_equal "$(stat -c %a "$T/milter.sock")" 660
}

@test "milter: the MTA's own hop counts (Postfix keeps its Received: to itself): 25 given is a loop; the client and its HELO name come with MAIL FROM" {
	with_postfix
	run python3 - "$PF_PORT" <<'PY'
import smtplib, sys
for n in (24, 25):
    s = smtplib.SMTP("127.0.0.1", int(sys.argv[1]), local_hostname="client.test.example")
    hdrs = "".join("Received: from h%d by h%d; Sat, 1 Nov 2025 10:00:00 +0000\r\n" % (i, i) for i in range(n))
    s.sendmail("jane@partner.example", ["john.smith@notes.example.com"],
               hdrs + "Subject: hops %d\r\n\r\nbody\r\n" % n)
    s.quit()
PY
	assert_success
	wait_for 1 queue_count badmail
	wait_for 1 queue_count readyout
	run grep -l "Subject: hops 24" "$T"/spool/readyout/new/*
	assert_success
	run cat "$T"/spool/readyout/new/*
	assert_output --partial "hops 25"
	assert_output --partial "Received: from client.test.example (localhost [127.0.0.1])"
	assert_output --partial "(lme mexout) with SMTP id"
	run cat "$T"/spool/badmail/new/*.reason
	assert_output --partial "mail loop"
}

@test "-enqueue as a Postfix pipe transport (the master.cf lines of mexout(8))" {
	require_root
	mkdir -p "$T/spool"
	chown -R nobody "$T/spool"
	PF_MAIN_EXTRA="transport_maps = inline:{notes.example.com=lme:}
lme_destination_recipient_limit = 50"
	PF_MASTER_EXTRA="lme unix - n n - - pipe
  flags=q null_sender= user=nobody
  argv=$BIN/mexout -enqueue -c $T/lme.conf -f \${sender} -- \${recipient}"
	postfix_start ""
	run send jane@partner.example john.smith@notes.example.com
	assert_success
	run send jane@partner.example nobody@notes.example.com
	assert_success
	postfix_wait_idle
	wait_for 1 queue_count mts-out
	run cat "$T"/spool/mts-out/new/*
	assert_output --partial "rcpt smtp=john.smith@notes.example.com"
	assert_output --partial "sender jane@partner.example"
	assert_output --partial "hops 1"
	run postfix_log
	assert_output --regexp "to=<john.smith@notes.example.com>, relay=lme, .*status=sent"
	# 67 (EX_NOUSER) is a bounce for Postfix, with mexout's reason
	assert_output --regexp "to=<nobody@notes.example.com>, relay=lme, .*status=bounced .*does not translate"
}

@test "worker: readyout that cannot be written defers (exit 75), the message stays in mts-out" {
	run enqueue -f jane@partner.example -- john.smith@notes.example.com
	assert_success
	mkdir -p "$T/spool/readyout"
	touch "$T/spool/readyout/tmp"
	run "$BIN/mexout" -1 -f
	assert_failure 75
	assert_output --partial "status=deferred"
	assert_equal "$(queue_count mts-out)" 1
	assert_equal "$(queue_count badmail)" 0
}

@test "unit: mexout_strip, text_printable, mexout_hops, dsn_notify_wants" {
	run "$LME_ROOT/test/unit/mexout_test"
	assert_success
	assert_output --regexp "[0-9]+ tests, 0 failed"
}
