#!/usr/bin/env bats
# mexin: Notes addresses to SMTP (readyin -> mts-in), submission to the MTA
# (smtp: with smtp-sink or a small test server, sendmail: with a recording
# script), NonDelivery Reports, retry, expiry, loops.

load helpers/common

DTD="$LME_ROOT/../shared/reference/domino_9_0_1.dtd"

setup() {
	lme_setup
	SERVER_PID=""
	# John Smith is not in this map: his address is encapsulated (IMCEA)
	printf 'zoe@partner.example\tZoe Partner/Ext@Exchange\tZoe Partner\n' > "$T/maps/addresses"
	printf 'mary.major@notes.example.com\tMary Major/Sales/Acme@Acme\tMary Major\n' >> "$T/maps/addresses"
	printf '"odd $(touch %s/pwned) name"@partner.example\tOdd Name/Ext@Exchange\n' "$T" >> "$T/maps/addresses"
	mkdir -p "$T/out"
}

teardown() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
}

# put QUEUE ID - the queue file on stdin into QUEUE/new/ID
put() {
	mkdir -p "$T/spool/$1/tmp" "$T/spool/$1/new" "$T/spool/$1/cur"
	cat > "$T/spool/$1/tmp/$2"
	mv "$T/spool/$1/tmp/$2" "$T/spool/$1/new/$2"
}

# inmsg ID [RCPT-NOTES...] - a readyin file from John Smith to the recipients
inmsg() {
	local id=$1 r
	shift
	{
		printf 'lme-envelope 1\nid %s\narrival %s\nhops 1\nsender \n' "$id" "$(date +%s)"
		printf 'sender_notes John Smith/Sales/Acme@Acme\n'
		for r in "$@"; do printf 'rcpt notes=%s\n' "$r"; done
		printf 'end\n'
		cat <<'MSG'
From: "John Smith/Sales/Acme@Acme" <x@invalid>
To: "Zoe Partner/Ext@Exchange", "bob@partner.example@Exchange"
Cc: "Jürgen Müller" <"Jurgen Muller/Sales/Acme"@Acme>
Subject: Quarterly figures
Message-ID: <orig-1@notes.acme>
X-Lme-Notes-From: John Smith/Sales/Acme@Acme
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Hello Zoe,
.a line that starts with a dot
the end
MSG
	} | put readyin "$id"
}

# start_sink PORT - smtp-sink dumping each message into $T/sink/
start_sink() {
	mkdir -p "$T/sink"
	smtp-sink -u "$(id -un)" -d "$T/sink/%M." "127.0.0.1:$1" 10 &
	SERVER_PID=$!
	wait_port "$1"
}

# start_smtpd [CERT KEY] - the test server of test/fixtures/mexin/smtpd.py
# (with STARTTLS when given a certificate); sets PORT
start_smtpd() {
	python3 "$FIXTURES/mexin/smtpd.py" "$T/port" "$T/smtpd" "$@" &
	SERVER_PID=$!
	local i
	for i in $(seq 1 50); do [ -s "$T/port" ] && break; sleep 0.1; done
	PORT=$(cat "$T/port")
}

# fake_sendmail - a sendmail: relay that records argv (one per line) and stdin
fake_sendmail() {
	cat > "$T/sendmail" <<SH
#!/bin/sh
n=\$(ls "$T/out" | wc -l)
for a in "\$@"; do printf '%s\n' "\$a"; done > "$T/out/\$n.argv"
cat > "$T/out/\$n.msg"
exit ${1:-0}
SH
	chmod 755 "$T/sendmail"
	lme_conf_set mexin relay "sendmail:$T/sendmail"
}

@test "mexin: -h prints usage, -V the version" {
	run "$BIN/mexin" -h
	assert_success
	assert_output --partial "usage: mexin"
	run "$BIN/mexin" -V
	assert_output --partial "mexin (lme)"
}

@test "mexin: sendmail: relay runs PATH -i -f SENDER -- RCPT by execve, no shell" {
	fake_sendmail 0
	inmsg 1763768027.M1P1Q1.t "Zoe Partner/Ext@Exchange" "Odd Name/Ext@Exchange"
	run "$BIN/mexin" -1 -f
	assert_success
	assert_output --partial "status=sent (delivered via sendmail)"
	run cat "$T/out/0.argv"
	assert_output "$(printf '%s\n' -i -f 'IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com' -- zoe@partner.example "\"odd \$(touch $T/pwned) name\"@partner.example")"
	assert_file_not_exist "$T/pwned"
	grep -q '^Subject: Quarterly figures' "$T/out/0.msg"
	grep -q '^\.a line that starts with a dot' "$T/out/0.msg"
	[ "$(queue_count readyin)" = 0 ] && [ "$(queue_count mts-in)" = 0 ]
}

@test "mexin: From/To/Cc rewritten to SMTP, display names kept, X-Lme-* removed" {
	fake_sendmail 0
	inmsg 1763768027.M2P1Q1.t "Zoe Partner/Ext@Exchange"
	run "$BIN/mexin" -1 -f
	assert_success
	run cat "$T/out/0.msg"
	assert_line 'From: John Smith <IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com>'
	assert_line 'To: Zoe Partner <zoe@partner.example>, bob@partner.example'
	assert_output --partial 'Cc: =?iso-8859-1?q?J=FCrgen_M=FCller?='
	assert_output --partial '<IMCEANOTES-Jurgen+20Muller_Sales_Acme+40Acme@example.com>'
	refute_output --partial 'X-Lme'
	refute_output --partial 'Acme@Acme'
}

@test "mexin: Notes addresses in X-Lme-Notes-To, bare Notes addresses in To" {
	fake_sendmail 0
	{
		printf 'lme-envelope 1\nid 1763768027.M3P1Q1.t\narrival %s\nhops 0\nsender \n' "$(date +%s)"
		printf 'sender_notes CN=John Smith/OU=Sales/O=Acme@Acme\nrcpt notes=Zoe Partner/Ext@Exchange\nend\n'
		printf 'From: John Smith/Sales/Acme@Acme\nTo: "Zoe at home" <zoe.placeholder@invalid>\n'
		printf 'X-Lme-Notes-To: Zoe Partner/Ext@Exchange\nSubject: x\n\nbody\n'
	} | put readyin 1763768027.M3P1Q1.t
	run "$BIN/mexin" -1 -f
	assert_success
	run cat "$T/out/0.msg"
	assert_line 'From: John Smith <IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com>'
	assert_line 'To: Zoe at home <zoe@partner.example>'
	refute_output --partial 'X-Lme'
	run cat "$T/out/0.argv"
	assert_line 'IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com'
}

@test "mexin: a Notes sender in maps/addresses gets its SMTP address" {
	fake_sendmail 0
	{
		printf 'lme-envelope 1\nid 1763768027.M17P1Q1.t\narrival %s\nhops 0\nsender \n' "$(date +%s)"
		printf 'sender_notes CN=Mary Major/OU=Sales/O=Acme@Acme\nrcpt notes=Zoe Partner/Ext@Exchange\nend\n'
		printf 'From: "Mary Major/Sales/Acme@Acme" <x@invalid>\nTo: "Zoe Partner/Ext@Exchange" <y@invalid>\nSubject: x\n\nbody\n'
	} | put readyin 1763768027.M17P1Q1.t
	run "$BIN/mexin" -1 -f
	assert_success
	run cat "$T/out/0.argv"
	assert_line -n 2 mary.major@notes.example.com
	run cat "$T/out/0.msg"
	assert_line 'From: Mary Major <mary.major@notes.example.com>'
	assert_line 'To: Zoe Partner <zoe@partner.example>'
}

@test "mexin: untranslatable recipient gets a DTD-valid NonDelivery Report to the Notes sender" {
	fake_sendmail 0
	inmsg 1763768027.M4P1Q1.t "Zoe Partner/Ext@Exchange" "CN=Nobody Here/OU=Sales/O=Acme@Exchange"
	run "$BIN/mexin" -1 -f
	assert_success
	assert_output --partial "to=<CN=Nobody Here/OU=Sales/O=Acme@Exchange>, status=bounced"
	[ "$(queue_count mail.box)" = 1 ]
	ndr=$(find "$T/spool/mail.box/new" -type f)
	run xmllint --noout --dtdvalid "$DTD" "$ndr"
	assert_success
	run xmllint --xpath 'string(//*[local-name()="document"]/@form)' "$ndr"
	assert_output "NonDelivery Report"
	run xmllint --xpath 'string(//*[@name="SendTo"])' "$ndr"
	assert_output "John Smith/Sales/Acme@Acme"
	run xmllint --xpath 'string(//*[@name="Recipients"])' "$ndr"
	assert_output "John Smith/Sales/Acme@Acme"
	run xmllint --xpath 'string(//*[@name="IntendedRecipient"])' "$ndr"
	assert_output "Nobody Here/Sales/Acme@Exchange"
	run xmllint --xpath 'string(//*[@name="FailureReason"])' "$ndr"
	assert_output --partial "no SMTP address"
	run xmllint --xpath 'string(//*[@name="$InReplyTo"])' "$ndr"
	assert_output "<orig-1@notes.acme>"
	run grep -c 'CN=' "$ndr"
	assert_output 0
	# the translatable recipient went out
	run cat "$T/out/0.argv"
	assert_line zoe@partner.example
	refute_line --partial Nobody
}

@test "mexin: no report about a report, none to an empty Notes sender" {
	fake_sendmail 0
	{
		printf 'lme-envelope 1\nid 1763768027.M5P1Q1.t\narrival %s\nhops 0\nsender \n' "$(date +%s)"
		printf 'sender_notes John Smith/Sales/Acme@Acme\nreport yes\nrcpt notes=Nobody/Acme@Exchange\nend\n'
		printf 'From: x@example.com\nSubject: report\n\nbody\n'
	} | put readyin 1763768027.M5P1Q1.t
	{
		printf 'lme-envelope 1\nid 1763768027.M6P1Q1.t\narrival %s\nhops 0\nsender \n' "$(date +%s)"
		printf 'rcpt notes=Nobody/Acme@Exchange\nend\n'
		printf 'From: x@example.com\nSubject: nobody sent it\n\nbody\n'
	} | put readyin 1763768027.M6P1Q1.t
	run "$BIN/mexin" -1 -f
	assert_success
	[ "$(queue_count mail.box)" = 0 ]
	[ "$(queue_count readyin)" = 0 ]
	[ "$(queue_count badmail)" = 0 ]
}

@test "mexin: a report (DSN made by ntsmex) goes out with the null sender" {
	fake_sendmail 0
	{
		printf 'lme-envelope 1\nid 1763768027.M20P1Q1.t\narrival %s\nhops 0\nsender \n' "$(date +%s)"
		printf 'sender_notes John Smith/Sales/Acme@Acme\nreport yes\nrcpt notes=Zoe Partner/Ext@Exchange\nend\n'
		printf 'From: MAILER-DAEMON@example.com\nSubject: Delivery Status Notification\n\nbody\n'
	} | put readyin 1763768027.M20P1Q1.t
	run "$BIN/mexin" -1 -f
	assert_success
	run cat "$T/out/0.argv"
	assert_output "$(printf '%s\n' -i -f '<>' -- zoe@partner.example)"
}

@test "mexin: smtp: relay to smtp-sink: envelope, headers and body" {
	port=$(free_port)
	start_sink "$port"
	lme_conf_set mexin relay "smtp:127.0.0.1:$port"
	inmsg 1763768027.M7P1Q1.t "Zoe Partner/Ext@Exchange" "bob@partner.example@Exchange"
	run "$BIN/mexin" -1 -f
	assert_success
	assert_output --regexp "to=<zoe@partner.example>, orig_to=<Zoe Partner/Ext@Exchange>, relay=127.0.0.1\[127.0.0.1\]:$port, delay=[0-9.]+, dsn=2.0.0, status=sent \(250 2.0.0 Ok"
	f=$(find "$T/sink" -type f | head -1)
	[ -n "$f" ]
	run cat "$f"
	assert_line --regexp '^X-Mail-Args: <IMCEANOTES-John\+20Smith_Sales_Acme\+40Acme@example.com>'
	assert_line --regexp '^X-Rcpt-Args: <zoe@partner.example>'
	assert_line --regexp '^X-Rcpt-Args: <bob@partner.example>'
	assert_line --regexp '^To: Zoe Partner <zoe@partner.example>, bob@partner.example'
	assert_line --regexp '^\.a line that starts with a dot'
	assert_line --regexp '^the end'
	[ "$(queue_count mts-in)" = 0 ]
}

@test "mexin: DSN parameters when offered (ENVID, ORCPT as xtext, unchanged); 5xx for one recipient of two: report for it alone" {
	start_smtpd
	lme_conf_set mexin relay "smtp:127.0.0.1:$PORT"
	printf 'rejectme@partner.example\tReject Me/Ext@Exchange\n' >> "$T/maps/addresses"
	{
		printf 'lme-envelope 1\nid 1763768027.M8P1Q1.t\narrival %s\nhops 0\nsender \n' "$(date +%s)"
		printf 'sender_notes John Smith/Sales/Acme@Acme\nenvid ab+2Bc+3Dd\nret HDRS\n'
		printf 'rcpt notes=Zoe Partner/Ext@Exchange\tnotify=SUCCESS,FAILURE\torcpt=rfc822;zoe+2Bx@partner.example\n'
		printf 'rcpt notes=Reject Me/Ext@Exchange\nend\n'
		printf 'From: John Smith/Sales/Acme@Acme\nSubject: two\nMessage-ID: <two@acme>\n\nbody\n'
	} | put readyin 1763768027.M8P1Q1.t
	run "$BIN/mexin" -1 -f
	assert_success
	assert_output --partial "to=<rejectme@partner.example>, orig_to=<Reject Me/Ext@Exchange>"
	assert_output --partial "dsn=5.1.1, status=bounced (550 5.1.1"
	run cat "$T/smtpd/1.eml"
	assert_line --regexp '^MAIL FROM:<IMCEANOTES-John\+20Smith_Sales_Acme\+40Acme@example.com> SIZE=[0-9]+ RET=HDRS ENVID=ab\+2Bc\+3Dd$'
	assert_line 'RCPT TO:<zoe@partner.example> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;zoe+2Bx@partner.example'
	refute_line --partial rejectme
	ndr=$(find "$T/spool/mail.box/new" -type f)
	run xmllint --noout --dtdvalid "$DTD" "$ndr"
	assert_success
	run xmllint --xpath 'string(//*[@name="IntendedRecipient"])' "$ndr"
	assert_output "Reject Me/Ext@Exchange"
	run xmllint --xpath 'string(//*[@name="FailureReason"])' "$ndr"
	assert_output --partial "550 5.1.1"
	[ "$(queue_count mts-in)" = 0 ]
}

@test "mexin: STARTTLS when offered (any certificate accepted)" {
	[ -e /usr/lib/x86_64-linux-gnu/gio/modules/libgiognutls.so ] || ls /usr/lib/*/gio/modules/libgiognutls.so >/dev/null 2>&1 ||
		skip "no GIO TLS backend (glib-networking)"
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=localhost -days 1 \
		-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
	start_smtpd "$T/cert.pem" "$T/key.pem"
	lme_conf_set mexin relay "smtp:127.0.0.1:$PORT"
	inmsg 1763768027.M18P1Q1.t "Zoe Partner/Ext@Exchange"
	run "$BIN/mexin" -1 -f
	assert_success
	assert_output --partial "status=sent (250 2.0.0 Ok: queued as TEST1)"
	run cat "$T/smtpd/1.eml"
	assert_line --regexp '^TLS TLSv1\.[23]$'
	assert_line --partial 'RCPT TO:<zoe@partner.example>'
	assert_output --partial 'Subject: Quarterly figures'
}

@test "mexin: a message over the server's SIZE fails at once, with a report" {
	start_smtpd
	lme_conf_set mexin relay "smtp:127.0.0.1:$PORT"
	{
		printf 'lme-envelope 1\nid 1763768027.M19P1Q1.t\narrival %s\nhops 0\nsender \n' "$(date +%s)"
		printf 'sender_notes John Smith/Sales/Acme@Acme\nrcpt notes=Zoe Partner/Ext@Exchange\nend\n'
		printf 'From: John Smith/Sales/Acme@Acme\nSubject: big\n\n'
		head -c 150000 /dev/zero | tr '\0' 'x' | fold -w 76
	} | put readyin 1763768027.M19P1Q1.t
	run "$BIN/mexin" -1 -f
	assert_success
	assert_output --partial "dsn=5.3.4, status=bounced (message too big for the relay)"
	[ ! -e "$T/smtpd/1.eml" ]
	[ "$(queue_count mail.box)" = 1 ]
	[ "$(queue_count mts-in)" = 0 ]
}

@test "mexin: 4xx for one recipient: the others go, the queue file keeps only it" {
	start_smtpd
	lme_conf_set mexin relay "smtp:127.0.0.1:$PORT"
	printf 'later@partner.example\tLater Please/Ext@Exchange\n' >> "$T/maps/addresses"
	inmsg 1763768027.M9P1Q1.t "Zoe Partner/Ext@Exchange" "Later Please/Ext@Exchange"
	run "$BIN/mexin" -1 -f
	assert_output --partial "to=<later@partner.example>, orig_to=<Later Please/Ext@Exchange>"
	assert_output --partial "status=deferred (450 4.2.0 Try again later)"
	assert_output --partial "1 recipient left for a later attempt"
	[ "$(queue_count mts-in)" = 1 ]
	f=$(find "$T/spool/mts-in/new" -type f)
	run grep '^rcpt ' "$f"
	assert_output --partial "smtp=later@partner.example"
	refute_output --partial zoe
	# not due before the back-off
	[ "$(stat -c %Y "$f")" -gt "$(date +%s)" ]
	run cat "$T/smtpd/1.eml"
	assert_line 'RCPT TO:<zoe@partner.example>'
	[ "$(queue_count mail.box)" = 0 ]
}

@test "mexin: a hostile relay (endless reply, huge line) defers, bounded" {
	cat > "$T/hostile.py" <<'PY'
import socket, sys
srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(5)
open(sys.argv[1] + ".tmp", "w").write(str(srv.getsockname()[1]))
import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
c, _ = srv.accept()
try:
    c.sendall(b"220-" + b"x" * 1000000 + b"\r\n" + b"220-more\r\n" * 500 + b"220 end\r\n")
    c.recv(100)
except OSError:
    pass
c.close()
PY
	python3 "$T/hostile.py" "$T/port" &
	SERVER_PID=$!
	for i in $(seq 1 50); do [ -s "$T/port" ] && break; sleep 0.1; done
	lme_conf_set mexin relay "smtp:127.0.0.1:$(cat "$T/port")"
	inmsg 1763768027.M21P1Q1.t "Zoe Partner/Ext@Exchange"
	run "$BIN/mexin" -1 -f
	assert_failure 75
	assert_output --partial "too long"
	[ "$(queue_count mts-in)" = 1 ]
}

@test "mexin: relay down, then up: the message waits in mts-in and goes out after back-off" {
	port=$(free_port)
	lme_conf_set mexin relay "smtp:127.0.0.1:$port"
	inmsg 1763768027.M10P1Q1.t "Zoe Partner/Ext@Exchange"
	run "$BIN/mexin" -1 -f
	assert_failure 75
	assert_output --partial "status=deferred (connect to 127.0.0.1[127.0.0.1]:$port"
	[ "$(queue_count readyin)" = 0 ]
	[ "$(queue_count mts-in)" = 1 ]
	start_sink "$port"
	# the daemon: it retries once the back-off (1s) has passed
	"$BIN/mexin" -f 2> "$T/log" &
	pid=$!
	for i in $(seq 1 60); do
		[ "$(find "$T/sink" -type f | wc -l)" -ge 1 ] && [ "$(queue_count mts-in)" = 0 ] && break
		sleep 0.1
	done
	kill "$pid"
	wait "$pid" || true
	[ "$(queue_count mts-in)" = 0 ]
	[ "$(find "$T/sink" -type f | wc -l)" = 1 ]
	grep -q "status=sent (250" "$T/log"
}

@test "mexin: after max_queue_lifetime a Notes sender gets a NonDelivery Report" {
	port=$(free_port)
	lme_conf_set mexin relay "smtp:127.0.0.1:$port"
	lme_conf_set mexin max_queue_lifetime 1s
	{
		printf 'lme-envelope 1\nid 1763768027.M11P1Q1.t\narrival %s\nhops 0\n' "$(( $(date +%s) - 100 ))"
		printf 'sender IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com\n'
		printf 'sender_notes John Smith/Sales/Acme@Acme\nrcpt smtp=zoe@partner.example\tnotes=Zoe Partner/Ext@Exchange\nend\n'
		printf 'From: John Smith <IMCEANOTES-John+20Smith_Sales_Acme+40Acme@example.com>\nSubject: late\n\nbody\n'
	} | put mts-in 1763768027.M11P1Q1.t
	run "$BIN/mexin" -1 -f
	assert_success
	assert_output --partial "status=expired (connect to"
	[ "$(queue_count mts-in)" = 0 ]
	ndr=$(find "$T/spool/mail.box/new" -type f)
	run xmllint --noout --dtdvalid "$DTD" "$ndr"
	assert_success
	run xmllint --xpath 'string(//*[@name="IntendedRecipient"])' "$ndr"
	assert_output "Zoe Partner/Ext@Exchange"
	run xmllint --xpath 'string(//*[@name="FailureReason"])' "$ndr"
	assert_output --partial "connect to 127.0.0.1"
}

@test "mexin: after max_queue_lifetime an SMTP sender gets a DSN (dsn_queue)" {
	port=$(free_port)
	lme_conf_set mexin relay "smtp:127.0.0.1:$port"
	lme_conf_set mexin max_queue_lifetime 1s
	{
		printf 'lme-envelope 1\nid 1763768027.M12P1Q1.t\narrival %s\nhops 0\n' "$(( $(date +%s) - 100 ))"
		printf 'sender jane@example.org\nrcpt smtp=zoe@partner.example\nend\n'
		printf 'From: jane@example.org\nSubject: late\n\nbody\n'
	} | put mts-in 1763768027.M12P1Q1.t
	run "$BIN/mexin" -1 -f
	assert_success
	assert_output --partial "status=expired"
	[ "$(queue_count mail.box)" = 0 ]
	[ ! -e "$T/spool/mts-in/new/1763768027.M12P1Q1.t" ]
}

@test "mexin: sendmail: temporary exit status defers, other status fails" {
	fake_sendmail 75
	inmsg 1763768027.M13P1Q1.t "Zoe Partner/Ext@Exchange"
	run "$BIN/mexin" -1 -f
	assert_failure 75
	assert_output --partial "exit status 75"
	[ "$(queue_count mts-in)" = 1 ]
	fake_sendmail 69
	run "$BIN/mexin" -1 -f
	assert_success
	assert_output --partial "status=bounced"
	[ "$(queue_count mts-in)" = 0 ]
	[ "$(queue_count mail.box)" = 1 ]
}

@test "mexin: more than hop_limit hops is a mail loop (badmail, the sender gets a report)" {
	fake_sendmail 0
	{
		printf 'lme-envelope 1\nid 1763768027.M14P1Q1.t\narrival %s\nhops 26\nsender \n' "$(date +%s)"
		printf 'sender_notes John Smith/Sales/Acme@Acme\nrcpt notes=Zoe Partner/Ext@Exchange\nend\n'
		printf 'From: x@example.com\nSubject: loop\n\nbody\n'
	} | put readyin 1763768027.M14P1Q1.t
	{
		printf 'lme-envelope 1\nid 1763768027.M15P1Q1.t\narrival %s\nhops 0\nsender \n' "$(date +%s)"
		printf 'sender_notes John Smith/Sales/Acme@Acme\nrcpt notes=Zoe Partner/Ext@Exchange\nend\n'
		for i in $(seq 1 26); do printf 'Received: from a by b; Mon, 1 Jan 2024 00:00:00 +0000\n'; done
		printf 'From: x@example.com\nSubject: loop\n\nbody\n'
	} | put readyin 1763768027.M15P1Q1.t
	run "$BIN/mexin" -1 -f
	assert_output --partial "mail loop"
	[ "$(queue_count badmail)" = 2 ]
	grep -q "mail loop" "$T/spool/badmail/new/1763768027.M14P1Q1.t.reason"
	grep -q "mail loop" "$T/spool/badmail/new/1763768027.M15P1Q1.t.reason"
	[ ! -e "$T/out/0.argv" ]
	# the Notes sender is told of each: a NonDelivery Report memo
	[ "$(queue_count mail.box)" = 2 ]
	run cat "$T"/spool/mail.box/new/*
	assert_output --partial "mail loop"
}

@test "mexin: a truncated envelope goes to badmail, never lost" {
	printf 'lme-envelope 1\nid 1763768027.M16P1Q1.t\n' | put readyin 1763768027.M16P1Q1.t
	run "$BIN/mexin" -1 -f
	[ "$(queue_count badmail)" = 1 ]
	[ "$(queue_count readyin)" = 0 ]
}

@test "mexin: unit tests (IMCEA round trip, headers, xtext)" {
	run "$LME_ROOT/test/unit/inbound_test"
	assert_success
}
