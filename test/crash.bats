#!/usr/bin/env bats
# crash.bats - nothing is lost when stages die: 1,500 messages queued,
# dispatch running the stages, a random stage killed with SIGKILL every
# 0.3 s for 12 s; then every message must arrive (counted by Message-ID).
# Duplicates (a kill between "output written" and "claim removed") are
# counted and reported, and must stay few.

load helpers/common

N=${CRASH_MESSAGES:-1500}

setup() {
	lme_setup
	for p in dispatch mexout mexnts ntsmex mexin; do
		[ -x "$BIN/$p" ] || skip "bin/$p not built"
	done
	lme_conf_set lme poll_interval 1
	lme_conf_set lme minimal_backoff_time 1
	printf '#!/bin/sh\n# a relay that keeps each message in a file\nexec cat > "%s/out/$$.$(date +%%s%%N)"\n' \
		"$T" > "$T/sendmail"
	chmod 755 "$T/sendmail"
	mkdir -p "$T/out"
	lme_conf_set mexin relay "sendmail:$T/sendmail"
	printf 'jane@example.com\tJane Doe/Exchange@Exchange\n' >> "$T/maps/addresses"
}

teardown() {
	if [ -n "${DPID:-}" ]; then
		kill -TERM "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	true
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

# fill_queue QUEUE - $N files in QUEUE/new from the template on stdin,
# with {qid}, {now}, {i} and {filler} (3000 characters) filled in
fill_queue() {
	python3 - "$T/spool/$1" "$N" 3<&0 <<'PY'
import os, sys, time
q, n = sys.argv[1], int(sys.argv[2])
template = os.fdopen(3).read()
for sub in ("tmp", "new", "cur"):
    os.makedirs(os.path.join(q, sub), mode=0o700, exist_ok=True)
now = int(time.time())
for i in range(n):
    qid = "%d.M%06dP1Q%d.crash" % (now, i, i)
    with open(os.path.join(q, "new", qid), "w") as f:
        f.write(template.format(qid=qid, now=now, i=i, filler="x" * 3000))
PY
}

# count_ids PATTERN FILES... - "SEEN DUPLICATES" of the ids PATTERN finds
count_ids() {
	local pattern=$1
	shift
	cat "$@" | grep -io "$pattern" | sort | uniq -c |
		awk '{ seen++; if ($1 > 1) dup += $1 - 1 } END { printf "%d %d\n", seen, dup }'
}

outbound_drained() {
	[ "$(queue_count mts-out)" = 0 ] && [ "$(queue_count mts-out cur)" = 0 ] &&
	[ "$(queue_count readyout)" = 0 ] && [ "$(queue_count readyout cur)" = 0 ]
}

inbound_drained() {
	[ "$(queue_count exchange.box)" = 0 ] && [ "$(queue_count exchange.box cur)" = 0 ] &&
	[ "$(queue_count readyin)" = 0 ] && [ "$(queue_count readyin cur)" = 0 ] &&
	[ "$(queue_count mts-in)" = 0 ] && [ "$(queue_count mts-in cur)" = 0 ]
}

@test "outbound: $N messages, stages killed every 0.3 s for 12 s: none lost" {
	fill_queue mts-out <<'TEMPLATE'
lme-envelope 1
id {qid}
arrival {now}
hops 1
sender jane@example.com
rcpt smtp=john.smith@notes.example.com
end
From: Jane <jane@example.com>
To: john.smith@notes.example.com
Subject: crash test {i}
Message-ID: <crash-{i}@example.com>
Date: Sat, 21 Nov 2026 12:00:00 +0000

{filler}
TEMPLATE
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
	fill_queue exchange.box <<'TEMPLATE'
<?xml version='1.0' encoding='utf-8'?>
<document form='Memo'>
<item name='From'><text>CN=John Smith/OU=Sales/O=Acme</text></item>
<item name='Recipients'><text>Jane Doe/Exchange@Exchange</text></item>
<item name='SendTo'><text>Jane Doe/Exchange@Exchange</text></item>
<item name='Subject'><text>crash test {i}</text></item>
<item name='$MessageID'><text>&lt;crash-{i}@notes.acme&gt;</text></item>
<item name='Body'><text>{filler}</text></item>
</document>
TEMPLATE
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
