#!/usr/bin/env bats
# The corpus in ../shared/corpus/mime (real and torture-test messages, see
# its README and MANIFEST.tsv) through mexnts: every message ends in
# mail.box as valid DXL or in badmail with a reason; none is lost, none
# crashes the stage (CI runs this under ASan); the converted share is
# printed and must be 95% or more.
#
# bin/mexout is not in main yet, so the readyout queue files are written
# here directly (envelope of lib/global/envelope.h, the message unchanged), as
# mexout would write them for a recipient it translated.

load helpers/common

setup() {
	lme_setup
	require_corpus mime
	DTD="$LME_ROOT/../shared/reference/domino_9_0_1.dtd"
}

@test "corpus: every message converted to valid DXL or rejected with a reason" {
	python3 - "$CORPUS/mime" "$T/spool/readyout" > "$T/ids.tsv" <<'PY'
import os, sys, time
src, q = sys.argv[1], sys.argv[2]
for d in ('tmp', 'new', 'cur'):
    os.makedirs(os.path.join(q, d), exist_ok=True)
now = int(time.time())
files = sorted(os.path.relpath(os.path.join(r, f), src)
               for r, _, fs in os.walk(src) for f in fs if f.endswith('.eml'))
for n, rel in enumerate(files, 1):
    qid = f'{now}.M{n}P{os.getpid()}Q1.corpus'
    with open(os.path.join(q, 'new', qid), 'wb') as out:
        out.write((f'lme-envelope 1\nid {qid}\narrival {now}\nhops 1\nsender sender@example.org\n'
                   'rcpt smtp=john.smith@notes.example.com\tnotes=John Smith/Sales/Acme@Acme\tnotify=FAILURE\n'
                   'end\n').encode())
        out.write(open(os.path.join(src, rel), 'rb').read())
    print(f'{qid}\t{rel}')
PY
	total=$(wc -l < "$T/ids.tsv")
	[ "$total" -ge 150 ]

	run "$BIN/mexnts" -1 -f
	echo "$output" > "$T/log"
	refute_output --partial 'AddressSanitizer'
	refute_output --partial 'runtime error'
	assert_success

	sent=$(queue_count mail.box)
	bad=$(queue_count badmail)
	# none lost: every id is in exactly one of the two queues, nothing left
	[ "$(queue_count readyout)" -eq 0 ]
	[ "$(queue_count readyout cur)" -eq 0 ]
	[ $((sent + bad)) -eq "$total" ]
	while IFS=$'\t' read -r id rel; do
		if [ -f "$T/spool/mail.box/new/$id" ]; then
			:
		elif [ -f "$T/spool/badmail/new/$id" ]; then
			grep -q '^reason: .' "$T/spool/badmail/new/$id.reason" || { echo "no reason: $rel"; false; }
			echo "# badmail: $rel: $(sed -n 's/^reason: //p' "$T/spool/badmail/new/$id.reason")" >&3
		else
			echo "lost: $rel"
			false
		fi
	done < "$T/ids.tsv"

	# every memo is valid DXL (against the DTD when it is there)
	if [ -f "$DTD" ]; then
		run xmllint --noout --dtdvalid "$DTD" "$T"/spool/mail.box/new/*
	else
		echo "# DTD $DTD absent: well-formedness only" >&3
		run xmllint --noout "$T"/spool/mail.box/new/*
	fi
	refute_output --regexp 'validity error|parser error|does not validate'

	share=$((sent * 1000 / total))
	echo "# corpus/mime: $sent of $total converted ($((share / 10)).$((share % 10))%), $bad in badmail, $(grep -c 'MIME defect' "$T/log") defects logged" >&3
	[ "$share" -ge 950 ]
}
