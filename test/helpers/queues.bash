# queues.bash - the whole pipeline with many messages both ways, for the
# suites that disturb it (crash.bats, signals.bats): a relay that keeps
# each message in a file of $T/out, queue fillers, and counters.

# pipeline_setup - after lme_setup: quick retries, the relay, an address
# for the inbound memos; skips when a program is not built
pipeline_setup() {
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

# pipeline_teardown - stops the dispatch a test started ($DPID), if any
pipeline_teardown() {
	if [ -n "${DPID:-}" ]; then
		kill -TERM "$DPID" 2>/dev/null
		wait "$DPID" 2>/dev/null
	fi
	true
}

# outbound_template - a queue file for mts-out, Message-ID <crash-{i}@example.com>
outbound_template() {
	cat <<'TEMPLATE'
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
}

# inbound_template - a memo for exchange.box, $MessageID <crash-{i}@notes.acme>
inbound_template() {
	cat <<'TEMPLATE'
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
}

# outbound_drained - nothing left in mts-out or readyout
outbound_drained() {
	[ "$(queue_count mts-out)" = 0 ] && [ "$(queue_count mts-out cur)" = 0 ] &&
	[ "$(queue_count readyout)" = 0 ] && [ "$(queue_count readyout cur)" = 0 ]
}

# inbound_drained - nothing left in exchange.box, readyin or mts-in
inbound_drained() {
	[ "$(queue_count exchange.box)" = 0 ] && [ "$(queue_count exchange.box cur)" = 0 ] &&
	[ "$(queue_count readyin)" = 0 ] && [ "$(queue_count readyin cur)" = 0 ] &&
	[ "$(queue_count mts-in)" = 0 ] && [ "$(queue_count mts-in cur)" = 0 ]
}

# fill_queue QUEUE [COUNT [FIRST]] - COUNT (default $N) files in
# $T/spool/QUEUE/new from the template on stdin, with {qid}, {now}, {i}
# (FIRST, default 0, and up) and {filler} (3000 characters) filled in
fill_queue() {
	python3 - "$T/spool/$1" "${2:-$N}" "${3:-0}" 3<&0 <<'PY'
import os, sys, time
q, n, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
template = os.fdopen(3).read()
for sub in ("tmp", "new", "cur"):
    os.makedirs(os.path.join(q, sub), mode=0o700, exist_ok=True)
# written beside the spool, then renamed in: a stage never sees half a file
tmp = os.path.join(os.path.dirname(os.path.dirname(q)), "fill.tmp")
os.makedirs(tmp, exist_ok=True)
now = int(time.time())
for i in range(first, first + n):
    qid = "%d.M%06dP1Q%d.crash" % (now, i, i)
    with open(os.path.join(tmp, qid), "w") as f:
        f.write(template.format(qid=qid, now=now, i=i, filler="x" * 3000))
    os.rename(os.path.join(tmp, qid), os.path.join(q, "new", qid))
PY
}

# count_ids PATTERN FILES... - "SEEN DUPLICATES" of the ids PATTERN finds
count_ids() {
	local pattern=$1
	shift
	cat "$@" | grep -io "$pattern" | sort | uniq -c |
		awk '{ seen++; if ($1 > 1) dup += $1 - 1 } END { printf "%d %d\n", seen, dup }'
}
