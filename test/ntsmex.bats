#!/usr/bin/env bats
# ntsmex: Notes memos (DXL) in exchange.box -> MIME queue files in readyin.

load helpers/common

setup() {
	lme_setup
	mkdir -p "$T/spool/exchange.box/new"
	SHOW="python3 $FIXTURES/ntsmex/show.py"
}

# feed FIXTURE ID - queue a DXL file in exchange.box
feed() {
	cp "$1" "$T/spool/exchange.box/new/$2"
}

# convert FIXTURE ID - feed it, run ntsmex -1, show the result
convert() {
	feed "$FIXTURES/ntsmex/$1" "$2"
	run "$BIN/ntsmex" -1 -f
	assert_success
	[ -f "$T/spool/readyin/new/$2" ]
	run $SHOW "$T/spool/readyin/new/$2"
	assert_success
}

# rejected ID - the document is in exchange.bad with a reason, not in readyin
rejected() {
	[ -f "$T/spool/exchange.bad/new/$1" ]
	[ -f "$T/spool/exchange.bad/new/$1.reason" ]
	[ ! -e "$T/spool/readyin/new/$1" ]
	[ "$(queue_count exchange.box)" -eq 0 ]
}

@test "rich text memo: envelope, headers, both bodies, attachment bytes" {
	convert richtext.dxl M1
	assert_line "env: id M1"
	assert_line "env: sender "
	assert_line "env: sender_notes John Smith/Sales/Acme@Acme"
	assert_line "env: hops 2"
	assert_line "env: rcpt notes=Zoe Partner/Partner@Exchange	notify=SUCCESS,FAILURE"
	assert_line "env: rcpt notes=zoe@partner.example@Exchange	notify=SUCCESS,FAILURE"
	assert_line "env: rcpt notes=secret@partner.example@Exchange	notify=SUCCESS,FAILURE"
	refute_line --partial "env: rcpt notes=Mary Major"
	refute_line --partial "env: report"
	assert_line "hdr: Subject: Quarterly report & figures"
	assert_line "hdr: Date: Thu, 20 Nov 2025 10:15:30 +0100"
	assert_line "hdr: Message-Id: <OF0123ABCD.4567EF01-ON85257A00.005F5A6B@acme.example>"
	assert_line "hdr: X-Lme-Notes-From: John Smith/Sales/Acme@Acme"
	assert_line "hdr: X-Lme-Notes-To: Zoe Partner/Partner@Exchange, zoe@partner.example@Exchange"
	assert_line "hdr: X-Lme-Notes-Cc: Mary Major/Acme@Acme"
	assert_line "hdr: X-Lme-Notes-Disposition-Notification-To: John Smith/Sales/Acme@Acme"
	assert_line "hdr: Importance: high"
	refute_line --partial "X-Lme-Notes-Sender"
	refute_line --regexp '^(hdr|raw): .*secret@partner'
	refute_line --regexp '^hdr: (From|To|Cc|Bcc):'
	refute_line --partial "hdr: X-Lme-Notes-Bcc"
	assert_line "multipart: multipart/mixed "
	assert_line "multipart: multipart/alternative "
	# text/plain
	assert_line "plain: Hello bold, italic, underlined, struck and red big text <not a tag> & more."
	assert_line "plain: Second line"
	assert_line "plain: after a break."
	assert_line "plain: Region	Sales"
	assert_line "plain: North	42"
	assert_line "plain: See our site <https://www.example.com/q?a=1&b=2> and the budget <notes://notesserver/86258E8000474322/11112222333344445555666677778888/ABCDEF0123456789ABCDEF0123456789>."
	# text/html: runs, table, links, escaping
	assert_line --partial "html: <p>Hello <b>bold</b>, <i>italic</i>, <u>underlined</u>, <s>struck</s> and <span style=\"color:red;font-size:14pt;\">red big</span> text &lt;not a tag&gt; &amp; more.</p>"
	assert_line "html: <p>Second line<br>after a break.</p>"
	assert_line "html: <table border=\"1\">"
	assert_line "html: <td><p>North</p></td>"
	assert_line --partial "<a href=\"https://www.example.com/q?a=1&amp;b=2\"><span style=\"color:blue;\">our site</span></a>"
	assert_line --partial "<a href=\"notes://notesserver/86258E8000474322/11112222333344445555666677778888/ABCDEF0123456789ABCDEF0123456789\">budget</a>"
	assert_line "html: <p><b>Script test: &lt;script&gt;alert(1)&lt;/script&gt;</b></p>"
	refute_line --regexp "^html: .*<script>"
	# the attachment, byte for byte
	sum=$(sha256sum "$FIXTURES/ntsmex/report.bin" | cut -d' ' -f1)
	assert_line "part: application/octet-stream name=report.bin sha256=$sum bytes=1039"
	refute_line --partial ".ndl"
	[ "$(queue_count exchange.box)" -eq 0 ]
}

@test "doclinks = both: notes:// link and an .ndl attachment" {
	lme_conf_set ntsmex doclinks both
	convert richtext.dxl M2
	assert_line --partial "<a href=\"notes://notesserver/86258E8000474322/"
	assert_line --regexp "^part: application/vnd.lotus-notes name=doclink1.ndl "
	python3 - "$T/spool/readyin/new/M2" <<'PY'
import email, email.policy, sys
data = open(sys.argv[1], 'rb').read().partition(b'\nend\n')[2]
m = email.message_from_bytes(data, policy=email.policy.default)
ndl = [p for p in m.walk() if p.get_filename() == 'doclink1.ndl'][0].get_payload(decode=True).decode()
want = ("<NDL>\r\n<REPLICA 86258E80:00474322>\r\n"
        "<VIEW OF11112222:33334444-ON55556666:77778888>\r\n"
        "<NOTE OFABCDEF01:23456789-ONABCDEF01:23456789>\r\n"
        "<HINT>CN=notesserver/O=Acme</HINT>\r\n<REM>Budget document</REM>\r\n</NDL>\r\n")
assert ndl == want, repr(ndl)
PY
}

@test "doclinks = ndl: the link text without a URL, and the .ndl" {
	lme_conf_set ntsmex doclinks ndl
	convert richtext.dxl M3
	refute_line --partial "notes://"
	assert_line --partial "plain: See our site <https://www.example.com/q?a=1&b=2> and the budget."
	assert_line --regexp "^part: application/vnd.lotus-notes name=doclink1.ndl "
}

@test "Japanese and German: RFC 2047 subject and names, RFC 2231 file name, UTF-8 bodies, <database> without namespace" {
	convert i18n.dxl M4
	assert_line "hdr: Subject: 会議の議事録 – Besprechung über Größen"
	assert_line --regexp '^raw: Subject: =\?UTF-8\?'
	refute_line --regexp '^raw: .*[^ -~	]'
	assert_line "hdr: X-Lme-Notes-From: Jürgen Müller/Vertrieb/Acme@Acme"
	assert_line "hdr: X-Lme-Notes-To: 田中 太郎/Tokyo/Partner@Exchange"
	assert_line "env: sender_notes Jürgen Müller/Vertrieb/Acme@Acme"
	assert_line "env: rcpt notes=田中 太郎/Tokyo/Partner@Exchange"
	assert_line "hdr: Date: Thu, 20 Nov 2025 10:15:30 +0530"
	assert_line "plain: Sehr geehrte Damen und Herren, die Größe der Straße ist 5 m."
	assert_line "plain: 日本語のテキストです。よろしくお願いします。"
	assert_line "html: <p>日本語のテキストです。よろしくお願いします。</p>"
	sum=$(sha256sum "$FIXTURES/ntsmex/i18n.txt" | cut -d' ' -f1)
	assert_line --regexp "^part: text/plain name=Größenübersicht.txt sha256=$sum "
	grep -q "filename\*=" "$T/spool/readyin/new/M4"
}

@test "native MIME memo in <mime>: stream kept, forged X-Lme-Notes and Bcc removed" {
	convert mime.dxl M5
	assert_line "env: hops 3"
	assert_line "env: sender_notes John Smith/Sales/Acme@Acme"
	assert_line "env: rcpt notes=zoe@partner.example@Exchange"
	assert_line "hdr: Subject: Native MIME memo"
	assert_line "hdr: Message-ID: <native-1@acme.example>"
	assert_line "hdr: X-Lme-Notes-From: John Smith/Sales/Acme@Acme"
	refute_line --partial "Forged Person"
	refute_line --partial "hidden@partner.example"
	assert_line "plain: Plain body of the native memo."
	assert_line "html: <p>HTML body of the <b>native</b> memo.</p>"
}

@test "native MIME memo as raw items: multipart rebuilt from MIME_PART items, header items never inject" {
	convert raw-multipart.dxl M16
	assert_line "env: sender_notes zed@partner.example"
	assert_line "env: rcpt notes=zed@partner.example@Exchange"
	assert_line "hdr: Subject: Raw multipart ü"
	assert_line "hdr: From: Zed <zed@partner.example>"
	assert_line "raw: X-Evil: one X-Injected: yes"
	refute_line --regexp '^(raw|hdr): X-Injected'
	assert_line "multipart: multipart/mixed "
	assert_line "html: <p>Grüße <b>raw</b></p>"
	sum=$(sha256sum "$FIXTURES/ntsmex/raw-multipart.bin" | cut -d' ' -f1)
	assert_line "part: application/octet-stream name=data.bin sha256=$sum bytes=768"
}

@test "raw items that run past their data: exchange.bad with the reason" {
	python3 - "$FIXTURES/ntsmex/raw-multipart.dxl" "$T/trunc.dxl" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
# cut the first Body part to its 20-byte MIME_PART header, which claims more
s = re.sub(r"(<item name='Body'><rawitemdata type='19'>)\s*([A-Za-z0-9+/=\s]*?)(</rawitemdata>)",
           lambda m: m.group(1) + m.group(2).replace("\n", "")[:28] + m.group(3), s, count=1)
open(sys.argv[2], 'w').write(s)
PY
	feed "$T/trunc.dxl" M17
	run "$BIN/ntsmex" -1 -f
	rejected M17
	run cat "$T/spool/exchange.bad/new/M17.reason"
	assert_output --partial "raw MIME item: MIME part item: byte count"
}

@test "NonDelivery Report -> RFC 3464 DSN, action failed, null sender" {
	convert ndr.dxl M6
	assert_line "env: report yes"
	refute_line --partial "env: sender_notes"
	assert_line "multipart: multipart/report delivery-status"
	assert_line "part: message/delivery-status"
	assert_line "status: Reporting-MTA: dns; example.com"
	assert_line "status: Final-Recipient: x-notes; Nobody Here/Sales/Acme@Acme"
	assert_line "status: Action: failed"
	assert_line "status: Status: 5.1.1"
	assert_line "status: Diagnostic-Code: x-notes; User Nobody Here/Sales/Acme not listed in Domino Directory"
	assert_line --partial "plain:   Nobody Here/Sales/Acme@Acme: User Nobody Here/Sales/Acme not listed in Domino Directory"
	assert_line "plain: Your document was not delivered."
}

@test "NonDelivery Report naming a non-ASCII Notes user: RFC 6533 global-delivery-status, 8bit" {
	sed "s|CN=Nobody Here/OU=Sales/O=Acme@Acme|CN=Jürgen Müller/OU=Sales/O=Acme@Acme|" \
		"$FIXTURES/ntsmex/ndr.dxl" > "$T/ndr8.dxl"
	feed "$T/ndr8.dxl" M18
	run "$BIN/ntsmex" -1 -f
	assert_success
	run cat "$T/spool/readyin/new/M18"
	assert_line --partial "report-type=global-delivery-status"
	assert_line "Content-Type: message/global-delivery-status"
	assert_line "Content-Transfer-Encoding: 8bit"
	assert_line "Final-Recipient: x-notes; Jürgen Müller/Sales/Acme@Acme"
}

@test "Delivery Report -> DSN, action delivered" {
	convert dr.dxl M7
	assert_line "env: report yes"
	assert_line "multipart: multipart/report delivery-status"
	assert_line "status: Final-Recipient: x-notes; John Smith/Sales/Acme@Acme"
	assert_line "status: Action: delivered"
	assert_line "status: Status: 2.0.0"
}

@test "Return Receipt -> RFC 8098 MDN" {
	convert rr.dxl M8
	assert_line "env: report yes"
	assert_line "multipart: multipart/report disposition-notification"
	assert_line "part: message/disposition-notification"
	assert_line "status: Reporting-UA: example.com; lme ntsmex"
	assert_line "status: Final-Recipient: x-notes; John Smith/Sales/Acme@Acme"
	assert_line "status: Original-Message-ID: <orig-42@partner.example>"
	assert_line "status: Disposition: manual-action/MDN-sent-manually; displayed"
	assert_line "hdr: Message-Id: <receipt-7@acme.example>"
}

@test "entity declarations: refused to exchange.bad, never expanded" {
	feed "$FIXTURES/ntsmex/entities.dxl" M9
	run "$BIN/ntsmex" -1 -f
	assert_success
	rejected M9
	run cat "$T/spool/exchange.bad/new/M9.reason"
	assert_output --partial "entity declarations"
	refute_output --partial "ENTITYEXPANDED"
	[ "$(queue_count readyin)" -eq 0 ]
}

@test "a Subject, From, SendTo and Message-ID with line breaks inject no header" {
	convert subject-crlf.dxl M10
	refute_line --regexp '^raw: (X-Injected|Bcc)'
	refute_line --regexp '^hdr: (X-Injected|Bcc)'
	assert_line "hdr: Subject: Hello Bcc: victim@evil.example  X-Injected: yes"
	assert_line --regexp '^hdr: Message-Id: <[^ ]+@example.com>$'
	assert_line "plain: Body text."
	# every raw header line is a header or a folded continuation
	run grep -c "^X-Injected" "$T/spool/readyin/new/M10"
	assert_output 0
}

@test "compressed attachment: exchange.bad with the reason, never dropped" {
	feed "$FIXTURES/ntsmex/compressed.dxl" M11
	run "$BIN/ntsmex" -1 -f
	assert_success
	rejected M11
	run cat "$T/spool/exchange.bad/new/M11.reason"
	assert_output --partial "compressed attachment big.doc (huffman) cannot be decoded"
}

@test "no recipient in the foreign domain: exchange.bad" {
	feed "$FIXTURES/ntsmex/local-only.dxl" M12
	run "$BIN/ntsmex" -1 -f
	rejected M12
	run cat "$T/spool/exchange.bad/new/M12.reason"
	assert_output --partial "no recipient addressed to the foreign domain Exchange"
}

@test "a document larger than max_document_size: exchange.bad" {
	lme_conf_set ntsmex max_document_size 1k
	feed "$FIXTURES/ntsmex/richtext.dxl" M13
	run "$BIN/ntsmex" -1 -f
	rejected M13
	run cat "$T/spool/exchange.bad/new/M13.reason"
	assert_output --partial "larger than 1024 bytes"
}

@test "corpus: the real raw MIME export keeps its HTML body intact" {
	require_corpus dxl
	feed "$CORPUS/dxl/memo-inbound-smtp-spam-mime.dxl.xml" C1
	run "$BIN/ntsmex" -1 -f
	assert_success
	run $SHOW "$T/spool/readyin/new/C1"
	assert_success
	assert_line "hdr: Subject: Extra 60% 0ff EVERYTHING + Lots More Summer Savings."
	assert_line "hdr: From: Louis Vuitton <newsletter@lvbagsforyou.com>"
	assert_line "hdr: Message-ID: <331186-1407517453669-16268-82837855-34-37@ss23.agm1.us>"
	assert_line "hdr: Date: Fri, 08 Aug 2014 13:18:33 -0400"
	assert_line "env: rcpt notes=jesse@secondfoundation.org"
	assert_line "env: hops 5"
	# the HTML, decoded independently from the corpus' Body item, equals ours
	python3 - "$CORPUS/dxl/memo-inbound-smtp-spam-mime.dxl.xml" "$T/spool/readyin/new/C1" <<'PY'
import base64, email, email.policy, quopri, re, struct, sys
src = open(sys.argv[1]).read()
raw = base64.b64decode(re.search(r"<item name='Body'[^>]*>\s*<rawitemdata type='19'>(.*?)</rawitemdata>", src, re.S).group(1))
count, blen, hlen = struct.unpack('<HHH', raw[8:14])
want = quopri.decodestring(raw[20 + blen + hlen:20 + count]).replace(b'\r\n', b'\n')
data = open(sys.argv[2], 'rb').read().partition(b'\nend\n')[2]
m = email.message_from_bytes(data, policy=email.policy.default)
got = [p for p in m.walk() if p.get_content_type() == 'text/html'][0].get_payload(decode=True)
got = got.replace(b'\r\n', b'\n')
assert len(want) > 10000 and b'</html>' in want
assert got.rstrip(b'\n') == want.rstrip(b'\n'), (len(got), len(want))
PY
}

@test "corpus: every DXL file converts or goes to exchange.bad with a reason; nothing crashes" {
	require_corpus dxl
	n=0
	for f in "$CORPUS"/dxl/*.xml; do
		n=$((n + 1))
		feed "$f" "A$n"
		# the same document as routed to us: a Recipients item added
		sed "0,/<item /s//<item name='Recipients'><text>zoe@partner.example@Exchange<\/text><\/item>\n<item /" "$f" > "$T/spool/exchange.box/new/B$n"
	done
	run "$BIN/ntsmex" -1 -f
	assert_success
	[ "$(queue_count exchange.box)" -eq 0 ]
	total=$(( $(queue_count readyin) + $(queue_count exchange.bad) ))
	[ "$total" -eq $((2 * n)) ]
	for r in "$T"/spool/exchange.bad/new/*.reason; do
		grep -q '^reason: .' "$r"
	done
	for q in "$T"/spool/readyin/new/*; do
		$SHOW "$q" > /dev/null
	done
	# the multiline rich text sample converts, once it has a recipient
	[ -f "$T/spool/readyin/new/B$(ls "$CORPUS"/dxl/*.xml | grep -n document-multiline-richtext | cut -d: -f1)" ]
}

@test "unit: rawitem decoders and rich text rendering" {
	run "$LME_ROOT/test/unit/rawitem_test"
	assert_success
	assert_output "ok"
	run "$LME_ROOT/test/unit/rt2html_test"
	assert_success
	assert_output "ok"
}

@test "ntsmex then mexin: From, To, Cc and Disposition-Notification-To come from the X-Lme-Notes headers (skipped without bin/mexin)" {
	[ -x "$BIN/mexin" ] || skip "bin/mexin not built in this tree"
	mkdir -p "$T/out"
	cat > "$T/sendmail" <<SH
#!/bin/sh
{ echo "ARGS: \$*"; cat; } > "$T/out/msg.\$\$"
SH
	chmod +x "$T/sendmail"
	lme_conf_set mexin relay "sendmail:$T/sendmail"
	printf 'zoe@partner.example\tZoe Partner/Partner@Exchange\tZoe Partner\n' >> "$T/maps/addresses"
	printf 'john.smith@notes.example.com\tJohn Smith/Sales/Acme@Acme\tJohn Smith\n' >> "$T/maps/addresses"
	feed "$FIXTURES/ntsmex/richtext.dxl" I1
	run "$BIN/ntsmex" -1 -f
	assert_success
	run "$BIN/mexin" -1 -f
	assert_success
	f=$(ls "$T"/out/msg.* | head -1)
	run cat "$f"
	assert_line --partial "ARGS: -i -f john.smith@notes.example.com -- zoe@partner.example"
	assert_line "From: John Smith <john.smith@notes.example.com>"
	assert_line --regexp "^To: Zoe Partner <zoe@partner.example>"
	assert_line --regexp "^Cc: Mary Major <IMCEANOTES-Mary\+20Major_Acme\+40Acme@example.com>"
	# ReturnReceipt=1: the receipt goes back to the sender's SMTP form
	assert_line "Disposition-Notification-To: John Smith <john.smith@notes.example.com>"
	refute_line --regexp "^X-Lme-"
}

@test "a <database> with two documents, an over-long recipient: exchange.bad" {
	{
		echo "<database>"
		sed 1d "$FIXTURES/ntsmex/ndr.dxl"
		sed 1d "$FIXTURES/ntsmex/dr.dxl"
		echo "</database>"
	} > "$T/two.dxl"
	feed "$T/two.dxl" M14
	long=$(printf 'x%.0s' $(seq 1 1100))
	sed "s|zoe@partner.example@Exchange|$long@Exchange|" "$FIXTURES/ntsmex/rr.dxl" > "$T/long.dxl"
	feed "$T/long.dxl" M15
	run "$BIN/ntsmex" -1 -f
	rejected M14
	rejected M15
	run cat "$T/spool/exchange.bad/new/M14.reason"
	assert_output --partial "a <database> with 2 documents; one was expected"
	run cat "$T/spool/exchange.bad/new/M15.reason"
	assert_output --partial "a recipient address longer than 998 bytes"
}

@test "round trip: mexnts memo, answered from Notes, back through ntsmex keeps subject, text and attachments (skipped without bin/mexnts)" {
	[ -x "$BIN/mexnts" ] && [ -f "$FIXTURES/mexnts/rfc2231.eml" ] || skip "bin/mexnts not built in this tree"
	mkdir -p "$T/spool/readyout/new"
	for f in rfc2231 mixed; do
		{
			printf 'lme-envelope 1\nid %s\narrival %s\nhops 1\nsender zoe@partner.example\n' "R$f" "$(date +%s)"
			printf 'rcpt smtp=john.smith@notes.example.com\tnotes=John Smith/Sales/Acme@Acme\nend\n'
			cat "$FIXTURES/mexnts/$f.eml"
		} > "$T/spool/readyout/new/R$f"
	done
	run "$BIN/mexnts" -1 -f
	assert_success
	# John Smith forwards the memo from Notes: the router addresses it to us
	for f in rfc2231 mixed; do
		python3 - "$T/spool/mail.box/new/R$f" "$T/spool/exchange.box/new/R$f" <<'PY'
import re, sys
s = open(sys.argv[1]).read()
s = re.sub(r'<item name="Recipients">.*?</item>', '<item name="Recipients"><text>zoe@partner.example@Exchange</text></item>', s, flags=re.S)
s = re.sub(r'<item name="(From|Principal)">.*?</item>', '', s, flags=re.S)
s = s.replace('<item name="Subject">', '<item name="From"><text>CN=John Smith/OU=Sales/O=Acme</text></item><item name="Subject">', 1)
open(sys.argv[2], 'w').write(s)
PY
	done
	run "$BIN/ntsmex" -1 -f
	assert_success
	for f in rfc2231 mixed; do
		python3 - "$FIXTURES/mexnts/$f.eml" "$T/spool/readyin/new/R$f" <<'PY'
import email, email.policy, hashlib, sys
pol = email.policy.default
orig = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=pol)
data = open(sys.argv[2], 'rb').read().partition(b'\nend\n')[2]
back = email.message_from_bytes(data, policy=pol)
assert str(back['subject']) == str(orig['subject']), (back['subject'], orig['subject'])
def sums(m):
    return sorted(hashlib.sha256(p.get_payload(decode=True)).hexdigest() for p in m.walk()
                  if not p.is_multipart() and p.get_filename())
missing = set(sums(orig)) - set(sums(back))
assert not missing, missing
text = lambda m: [p.get_content() for p in m.walk() if p.get_content_type() == 'text/plain' and not p.get_filename()]
first = text(orig)[0].split('\n')[0].strip()
assert any(first in t for t in text(back)), (first, text(back))
PY
	done
}

@test "10,001 recipients: two envelopes (ID with 10,000, ID-2 with 1), nothing to exchange.bad; case-folded duplicates counted once" {
	python3 - "$T/spool/exchange.box/new/MANY" <<'PY'
import sys
rc = "".join("<text>u%d@partner.example@Exchange</text>" % i for i in range(10001))
rc += "<text>U7@PARTNER.EXAMPLE@Exchange</text>"
open(sys.argv[1], "w").write("""<?xml version='1.0' encoding='utf-8'?>
<document xmlns='http://www.lotus.com/dxl' form='Memo'>
<item name='From'><text>CN=John Smith/OU=Sales/O=Acme</text></item>
<item name='Recipients'><textlist>%s</textlist></item>
<item name='Subject'><text>Many</text></item>
<item name='Body'><richtext><par>hello</par></richtext></item>
</document>
""" % rc)
PY
	run "$BIN/ntsmex" -1 -f
	assert_success
	assert_output --partial "MANY: recipients 10001-10001 of 10001 queued as MANY-2"
	assert_equal "$(queue_count exchange.bad)" 0
	assert_equal "$(queue_count readyin)" 2
	run grep -c "^rcpt " "$T/spool/readyin/new/MANY"
	assert_output 10000
	run grep "^rcpt " "$T/spool/readyin/new/MANY-2"
	assert_output "rcpt notes=u10000@partner.example@Exchange"
	# both carry the same message
	cmp <(sed '1,/^end$/d' "$T/spool/readyin/new/MANY") <(sed '1,/^end$/d' "$T/spool/readyin/new/MANY-2")
}
