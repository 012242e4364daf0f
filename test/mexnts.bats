#!/usr/bin/env bats
# mexnts: readyout -> mail.box, one DXL memo per message (issue 3).
# Every memo is validated against the Domino DTD when ../shared/reference
# has it; attachments are compared by SHA-256 with what Python's email
# package decodes from the same fixture.

load helpers/common

setup() {
	lme_setup
	DTD="$LME_ROOT/../shared/reference/domino_9_0_1.dtd"
	CHK="$FIXTURES/mexnts/dxlcheck.py"
	FX="$FIXTURES/mexnts"
}

# enqueue FILE [SENDER] - a readyout queue file (envelope + FILE); prints the id.
# NOTIFY, RCPT_SMTP and RCPT_NOTES override the recipient's NOTIFY and Notes form.
enqueue() {
	local sender=${2-jane@example.com} id n
	n=$(($(cat "$T/.n" 2>/dev/null || echo 0) + 1))
	echo "$n" > "$T/.n"
	id="$(date +%s).M${n}P$$Q1.test"
	mkdir -p "$T/spool/readyout/tmp" "$T/spool/readyout/new" "$T/spool/readyout/cur"
	{
		printf 'lme-envelope 1\nid %s\narrival %s\nhops 3\nsender %s\n' "$id" "$(date +%s)" "$sender"
		[ -n "$sender" ] && printf 'sender_notes %s@Exchange\n' "$sender"
		printf 'rcpt smtp=%s\tnotes=%s\tnotify=%s\n' "${RCPT_SMTP:-john.smith@notes.example.com}" \
			"${RCPT_NOTES-John Smith/Sales/Acme@Acme}" "${NOTIFY:-FAILURE}"
		printf 'end\n'
		cat "$1"
	} > "$T/spool/readyout/new/$id"
	echo "$id"
}

# valid FILE - the DXL is valid against the DTD (skipped, saying so, without it)
valid() {
	if [ ! -f "$DTD" ]; then
		echo "# DTD $DTD absent: DTD validation skipped" >&3
		xmllint --noout "$1"
		return
	fi
	xmllint --noout --dtdvalid "$DTD" "$1" 2>&1 | grep -v 'failed to load external entity\|^<!DOCTYPE\|^ *\^' && return 1
	xmllint --noout --dtdvalid "$DTD" "$1" 2>/dev/null
}

# convert FIXTURE - queue it, run mexnts -1, check the memo; sets ID and MEMO
convert() {
	ID=$(enqueue "$FX/$1")
	run "$BIN/mexnts" -1 -f
	assert_success
	MEMO="$T/spool/mail.box/new/$ID"
	assert_file_exists "$MEMO"
	valid "$MEMO"
	[ "$(queue_count readyout)" -eq 0 ]
}

# item NAME - the value of an item of $MEMO
item() {
	python3 "$CHK" items "$MEMO" | sed -n "s/^$1=//p"
}

@test "plain text: routing items, decoded subject, PostedDate, log line" {
	convert plain.eml
	assert_output --regexp "$ID: from=<jane@example.com>, to=<john.smith@notes.example.com>, size=[0-9]+, status=sent \(mail.box\)"
	[ "$(item Form)" = "Memo" ]
	[ "$(item From)" = "jane@example.com@Exchange" ]
	[ "$(item Principal)" = "jane@example.com@Exchange" ]
	[ "$(item SendTo)" = "John Smith/Sales/Acme@Acme | Bob <bob@elsewhere.example>" ]
	[ "$(item CopyTo)" = "Jürgen Müller <jm@elsewhere.example>" ]
	[ "$(item Recipients)" = "John Smith/Sales/Acme@Acme" ]
	[ "$(item INetFrom)" = "Jane Doe <jane@example.com>" ]
	[ "$(item INetSendTo)" = "John Smith <john.smith@notes.example.com> | Bob <bob@elsewhere.example>" ]
	[ "$(item Subject)" = "Grüße aus der Hütte — 😂" ]
	[ "$(item PostedDate)" = "20251121T101112,00+0530" ]
	[ "$(item '\$MessageID')" = "<plain-1@example.com>" ]
	[ "$(item In_Reply_To)" = "<parent@example.com>" ]
	[ "$(item References)" = "<root@example.com> <parent@example.com>" ]
	[ "$(item Importance)" = "1" ]
	[ "$(item ReturnReceipt)" = "1" ]
	[ "$(item DeliveryReport)" = "B" ]
	[ "$(item '\$Hops')" = "3" ]
	run python3 "$CHK" body "$MEMO"
	assert_output --partial '<par def="1">Hello John,<break />this is the first paragraph.</par><par def="1" /><par def="1">Second paragraph: Grüße, «quotes», 日本語.<break />Tab	here &amp; &lt;angle&gt; brackets.</par>'
}

@test "html only: paragraphs, bold/italic/underline runs, urllink, lists, table, pre" {
	convert html.eml
	run python3 "$CHK" body "$MEMO"
	assert_output --partial '<run><font style="bold" />bold</run>'
	assert_output --partial '<run><font style="italic" />italic</run>'
	assert_output --partial '<run><font style="underline" />underlined</run>'
	assert_output --partial '<run><font style="bold italic" />both</run>'
	assert_output --partial '<urllink href="https://www.example.com/path?a=1&amp;b=2">link</urllink>'
	assert_output --partial 'and a bad link.'
	refute_output --partial 'javascript'
	refute_output --partial 'alert'
	refute_output --partial 'color: red'
	assert_output --partial '<par def="2">first item</par><par def="2">second item</par>'
	assert_output --partial '<par def="3">one</par><par def="3">two</par>'
	assert_output --regexp '<table widthtype="fitmargins"><tablecolumn width="50%" /><tablecolumn width="50%" /><tablerow><tablecell><par def="1"><run><font style="bold" />Name</run>'
	assert_output --partial '<tablecell columnspan="2"><par def="1">wide cell</par></tablecell>'
	assert_output --partial 'pre  formatted<break />  line two'
	assert_output --partial 'Line<break />break &amp; entity é'
}

@test "multipart/alternative: the HTML alternative, converted from its charset" {
	convert alternative.eml
	run python3 "$CHK" body "$MEMO"
	assert_output --partial 'HTML <run><font style="bold" />version</run> café'
	refute_output --partial 'PLAIN VERSION'
	[ "$(item Importance)" = "3" ]
}

@test "multipart/alternative: other renderings dropped, a calendar kept as an attachment" {
	convert invite.eml
	run python3 "$CHK" body "$MEMO"
	assert_output --partial 'Planning meeting, <run><font style="bold" />Monday</run> 10:00.'
	refute_output --partial 'Monday 10:00.'
	assert_output --partial '<attachmentref name="ATT00001.ics"'
	[ "$(python3 "$CHK" files "$MEMO" | wc -l)" -eq 1 ]
}

@test "multipart/related: inline images as \$FILE with attachmentref where they appear" {
	convert related.eml
	run python3 "$CHK" body "$MEMO"
	assert_output --partial 'Logo: <attachmentref name="logo.png" displayname="logo.png" /> and chart <attachmentref name="ATT00002.png"'
	assert_output --partial 'Logo again <attachmentref name="logo.png"'
	assert_output --partial '<attachmentref name="unused.gif"'
	python3 "$CHK" files "$MEMO" | awk '{print $2}' | sort > "$T/got"
	python3 "$CHK" eml-sha "$FX/related.eml" | sort > "$T/want"
	diff "$T/want" "$T/got"
	[ "$(python3 "$CHK" files "$MEMO" | wc -l)" -eq 3 ]
	python3 "$CHK" files "$MEMO" | awk '$3 != $4 { exit 1 }'
}

@test "multipart/mixed: every attachment's bytes exact, names cleaned and unique" {
	convert mixed.eml
	python3 "$CHK" files "$MEMO" > "$T/files"
	awk '{print $2}' "$T/files" | grep -v "$(printf 'Straße\r\nline 2 = equals\r\n' | iconv -t latin1 | sha256sum | cut -c1-64)" | sort > "$T/got"
	python3 "$CHK" eml-sha "$FX/mixed.eml" | sort > "$T/want"
	diff "$T/want" "$T/got"
	run awk '{print $1}' "$T/files"
	assert_output "$(printf 'report.pdf\nda_ta.zip\nnotes.txt\nreport-2.pdf\nATT00005.bin')"
	grep -q "^notes.txt $(printf 'Straße\r\nline 2 = equals\r\n' | iconv -t latin1 | sha256sum | cut -c1-64) " "$T/files"
	run python3 "$CHK" body "$MEMO"
	assert_output --partial 'See the attachments.'
	[ "$(grep -o '<attachmentref ' <<<"$output" | wc -l)" -eq 5 ]
}

@test "message/rfc822 is attached as .eml with the inner message" {
	convert nested.eml
	run python3 "$CHK" files "$MEMO"
	assert_output --regexp '^Inner subjéct\.eml [0-9a-f]{64} '
	python3 - "$MEMO" <<'PY'
import base64, email, sys, xml.etree.ElementTree as ET
ns = '{http://www.lotus.com/dxl}'
f = ET.parse(sys.argv[1]).getroot().find(f"{ns}item[@name='$FILE']/{ns}object/{ns}file/{ns}filedata")
inner = email.message_from_bytes(base64.b64decode(''.join(f.text.split())))
assert inner['From'] == 'Inner Sender <inner@example.org>', inner['From']
parts = [p for p in inner.walk() if p.get_filename() == 'inner.bin']
assert parts[0].get_payload(decode=True) == b'inner attachment bytes\x00\xff'
PY
}

@test "RFC 2231 continuation and RFC 2047 file names are decoded" {
	convert rfc2231.eml
	run python3 "$CHK" files "$MEMO"
	assert_line --regexp '^Отчёт за ноябрь\.xlsx '
	assert_line --regexp '^résumé\.doc '
}

@test "charsets: iso-2022-jp, Shift_JIS, koi8-r, windows-1252 bodies and subjects to UTF-8" {
	convert iso2022jp.eml
	[ "$(item Subject)" = "日本語" ]
	python3 "$CHK" body "$MEMO" | grep -q '日本語のテキストです。<break />かきくけこ'
	convert shiftjis.eml
	[ "$(item Subject)" = "テストメ" ]
	python3 "$CHK" body "$MEMO" | grep -q 'シフトJISの本文です。'
	convert koi8r.eml
	[ "$(item Subject)" = "Привет" ]
	python3 "$CHK" body "$MEMO" | grep -q 'Привет, мир! Проверка KOI8-R.'
	convert cp1252.eml
	[ "$(item Subject)" = "Café – €uro" ]
	python3 "$CHK" body "$MEMO" | grep -q 'Smart “quotes” – dash € euro café'
}

@test "an unknown charset label falls back, and is logged" {
	convert badcharset.eml
	assert_output --partial 'charset "x-no-such-charset" not convertible as labelled'
	python3 "$CHK" body "$MEMO" | grep -q 'café in latin1'
}

@test "S/MIME signed: the signed text shown, the signature kept as an attachment" {
	convert smime.eml
	python3 "$CHK" body "$MEMO" | grep -q 'This text is signed.'
	python3 "$CHK" files "$MEMO" | awk '{print $1, $2}' > "$T/got"
	echo "smime.p7s $(python3 "$CHK" eml-sha "$FX/smime.eml")" > "$T/want"
	diff "$T/want" "$T/got"
}

@test "a DSN arriving for a Notes user: report text shown, original attached" {
	ID=$(enqueue "$FX/dsn.eml" "")
	run "$BIN/mexnts" -1 -f
	assert_success
	MEMO="$T/spool/mail.box/new/$ID"
	valid "$MEMO"
	assert_output --partial "$ID: from=<>, to=<john.smith@notes.example.com>"
	[ "$(item From)" = "MAILER-DAEMON@mx.elsewhere.example@Exchange" ]
	run python3 "$CHK" body "$MEMO"
	assert_output --partial 'host said: 550 5.1.1 User unknown'
	assert_output --partial 'Final-Recipient: rfc822; nobody@elsewhere.example<break />Action: failed'
	assert_output --partial '<attachmentref name="Original message.eml"'
}

@test "an MDN arriving for a Notes user: disposition shown" {
	convert mdn.eml
	run python3 "$CHK" body "$MEMO"
	assert_output --partial 'Your message was displayed'
	assert_output --partial 'Disposition: manual-action/MDN-sent-manually; displayed'
	assert_output --partial 'Subject: Quarterly figures'
}

@test "NOTIFY=SUCCESS asks for a delivery report" {
	NOTIFY=SUCCESS,FAILURE convert plain.eml
	[ "$(item DeliveryReport)" = "C" ]
}

@test "a malformed message is converted as far as it goes, the defect logged" {
	convert malformed.eml
	assert_output --partial "$ID: MIME defect"
	python3 "$CHK" body "$MEMO" | grep -q 'Visible text before the damage.'
	python3 "$CHK" files "$MEMO" | grep -q '^broken.bin '
}

@test "body_format mime: routing items and the whole MIME stream in <mime>" {
	lme_conf_set mexnts body_format mime
	convert mixed.eml
	[ "$(item Recipients)" = "John Smith/Sales/Acme@Acme" ]
	[ "$(item Subject)" = "Mixed with several attachments" ]
	[ "$(item '\$NoteHasNativeMIME')" = "1" ]
	[ -z "$(item Body)" ]
	python3 "$CHK" mime "$MEMO" > "$T/mime.eml"
	grep -q '^Subject: Mixed with several attachments' "$T/mime.eml"
	python3 "$CHK" eml-sha "$T/mime.eml" > "$T/got"
	python3 "$CHK" eml-sha "$FX/mixed.eml" > "$T/want"
	diff "$T/want" "$T/got"
}

@test "body_format mime: 8-bit text is given a transfer encoding, XML stays valid" {
	lme_conf_set mexnts body_format mime
	convert koi8r.eml
	python3 "$CHK" mime "$MEMO" > "$T/mime.eml"
	python3 - "$T/mime.eml" <<'PY'
import email, sys
m = email.message_from_binary_file(open(sys.argv[1], 'rb'))
assert m.get_payload(decode=True).decode(m.get_content_charset()).startswith('Привет, мир!')
PY
}

@test "over max_message_size: badmail with the reason, DSN requested, queue goes on" {
	lme_conf_set mexnts max_message_size 2k
	big=$(enqueue "$FX/mixed.eml")
	small=$(enqueue "$FX/plain.eml")
	run "$BIN/mexnts" -1 -f
	assert_success
	assert_output --partial "$big: sender non-delivery notification"
	[ "$(queue_count mts-in)" -eq 1 ]
	assert_file_exists "$T/spool/badmail/new/$big"
	grep -q 'exceeds max_message_size 2048' "$T/spool/badmail/new/$big.reason"
	assert_file_exists "$T/spool/mail.box/new/$small"
	[ "$(queue_count readyout)" -eq 0 ]
}

@test "over max_attachments and max_depth: badmail with the reason" {
	lme_conf_set mexnts max_attachments 2
	a=$(enqueue "$FX/mixed.eml")
	run "$BIN/mexnts" -1 -f
	grep -q 'more than 2 attachments' "$T/spool/badmail/new/$a.reason"
	[ ! -e "$T/spool/mail.box/new/$a" ]
	[ "$(find "$T/spool/mail.box/tmp" -type f | wc -l)" -eq 0 ]
	lme_conf_set mexnts max_attachments 500
	lme_conf_set mexnts max_depth 2
	d=$(enqueue "$FX/nested.eml")
	run "$BIN/mexnts" -1 -f
	grep -q 'MIME nesting deeper than max_depth 2' "$T/spool/badmail/new/$d.reason"
	python3 -c "
import sys
inner = 'Content-Type: text/plain\n\nx\n'
for i in range(30):
    inner = f'Content-Type: multipart/mixed; boundary=\"b{i}\"\n\n--b{i}\n{inner}\n--b{i}--\n'
sys.stdout.write('From: a@b.example\nSubject: deep\nMIME-Version: 1.0\n' + inner)" > "$T/deep.eml"
	lme_conf_set mexnts max_depth 20
	e=$(enqueue "$T/deep.eml")
	run "$BIN/mexnts" -1 -f
	grep -q 'MIME nesting deeper than max_depth' "$T/spool/badmail/new/$e.reason"
}

@test "a recipient without a Notes address is not routed; none at all is a rejection" {
	id=$(RCPT_SMTP=nobody@notes.example.com RCPT_NOTES= enqueue "$FX/plain.eml")
	run "$BIN/mexnts" -1 -f
	assert_output --partial 'recipient <nobody@notes.example.com> has no Notes address'
	grep -q 'no recipient with a Notes address' "$T/spool/badmail/new/$id.reason"
}

@test "characters XML cannot carry (U+FFFF, controls) never make the memo invalid" {
	python3 - "$T/odd.eml" <<'PY'
import base64, sys
subj = base64.b64encode('x\uffffy\x01z'.encode()).decode()
open(sys.argv[1], 'wb').write(('From: a@b.example\nSubject: =?UTF-8?B?' + subj + '?=\nMIME-Version: 1.0\n'
    'Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html; charset=utf-8\n\n'
    '<a href="http://x/\uffff">l\uffffk</a>\n--b\nContent-Type: text/plain; charset=utf-8\n\nctl\x02\uffff\n'
    '--b\nContent-Type: application/octet-stream; name="n\uffff.bin"\n\nxx\n--b--\n').encode())
PY
	ID=$(enqueue "$T/odd.eml")
	run "$BIN/mexnts" -1 -f
	MEMO="$T/spool/mail.box/new/$ID"
	valid "$MEMO"
	grep -q '<nonxmlchar value="ffff"/>' "$MEMO"
	lme_conf_set mexnts body_format mime
	ID=$(enqueue "$T/odd.eml")
	run "$BIN/mexnts" -1 -f
	valid "$T/spool/mail.box/new/$ID"
}

@test "a message with no header at all is shown as text" {
	printf 'just some words\nand no header\n' > "$T/raw.eml"
	ID=$(enqueue "$T/raw.eml")
	run "$BIN/mexnts" -1 -f
	MEMO="$T/spool/mail.box/new/$ID"
	valid "$MEMO"
	python3 "$CHK" body "$MEMO" | grep -q 'just some words<break />and no header'
}

@test "a 3 MB attachment comes out byte for byte" {
	python3 - "$T/big.eml" <<'PY'
import base64, os, sys
data = os.urandom(3 * 1024 * 1024 + 1)
b = base64.encodebytes(data).decode()
open(sys.argv[1], 'w').write('From: a@b.example\nSubject: big\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="x"\n\n--x\nContent-Type: text/plain\n\nbig one\n--x\nContent-Type: application/octet-stream; name="big.bin"\nContent-Transfer-Encoding: base64\n\n' + b + '--x--\n')
PY
	ID=$(enqueue "$T/big.eml")
	run "$BIN/mexnts" -1 -f
	MEMO="$T/spool/mail.box/new/$ID"
	valid "$MEMO"
	[ "$(python3 "$CHK" files "$MEMO" | awk '{print $2, $3}')" = "$(python3 "$CHK" eml-sha "$T/big.eml") 3145729" ]
}

@test "unit: rich text and HTML conversion" {
	run "$LME_ROOT/test/unit/html2rt_test"
	assert_success
	assert_output --partial "0 failed"
}

@test "scratch files stay in the spool: nothing is opened in /tmp (nested message, native MIME)" {
	command -v strace >/dev/null || skip "strace not installed"
	enqueue "$FX/nested.eml" >/dev/null
	run strace -f -e trace=open,openat -o "$T/trace" "$BIN/mexnts" -1 -f
	assert_success
	lme_conf_set mexnts body_format mime
	enqueue "$FX/mixed.eml" >/dev/null
	run strace -f -e trace=open,openat -o "$T/trace2" "$BIN/mexnts" -1 -f
	assert_success
	[ "$(queue_count mail.box)" = 2 ]
	# tmpfile(3) would open "/tmp" with O_TMPFILE; ours open the spool
	run grep -h 'O_TMPFILE' "$T/trace" "$T/trace2"
	assert_output --partial "\"$T/spool\""
	refute_output --partial '"/tmp"'
}
