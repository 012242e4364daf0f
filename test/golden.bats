#!/usr/bin/env bats
# golden: what mexnts (both body formats) and ntsmex write for fixed inputs,
# byte for byte after tools/golden's normalise() (issue 11, step 1).  The
# inputs are listed in test/golden/*.list, the expected outputs are in
# test/golden/SET/; "make golden" rewrites them when a change is intended.
# The corpus cases read ../shared/corpus and skip, saying so, without it.

load helpers/common

setup() {
	GOLDEN="$LME_ROOT/tools/golden"
	export TMPDIR="$BATS_TEST_TMPDIR"
}

# golden SET KIND - tools/golden check SET KIND succeeds
golden() {
	run "$GOLDEN" check "$1" "$2"
	assert_success
	assert_output --regexp "golden: $1 $2: ([0-9]+) of \\1 equal"
}

@test "golden: at least 20 fixture cases, which need no ../shared" {
	eml=$(grep -c '^test/fixtures/' "$LME_ROOT/test/golden/mexnts.list")
	dxl=$(grep -c '^test/fixtures/' "$LME_ROOT/test/golden/ntsmex.list")
	echo "# fixture cases: $eml eml x 2 body formats, $dxl dxl" >&3
	[ $((eml * 2 + dxl)) -ge 20 ]
}

@test "golden: mexnts, body_format richtext, fixtures" {
	golden mexnts-richtext fixtures
}

@test "golden: mexnts, body_format richtext, corpus" {
	require_corpus mime
	golden mexnts-richtext corpus
}

@test "golden: mexnts, body_format mime, fixtures" {
	golden mexnts-mime fixtures
}

@test "golden: mexnts, body_format mime, corpus" {
	require_corpus mime
	golden mexnts-mime corpus
}

@test "golden: ntsmex, fixtures" {
	golden ntsmex fixtures
}

@test "golden: ntsmex, corpus" {
	require_corpus dxl
	golden ntsmex corpus
}

@test "golden: one byte changed in an expected file is a failure with a diff" {
	cp -r "$LME_ROOT/test/golden" "$T/golden"
	sed -i 's/^Subject: Quarterly report & figures$/Subject: Quarterly report + figures/' "$T/golden/ntsmex/ntsmex-richtext.msg"
	run cmp "$LME_ROOT/test/golden/ntsmex/ntsmex-richtext.msg" "$T/golden/ntsmex/ntsmex-richtext.msg"
	assert_failure 1
	GOLDEN_DIR="$T/golden" run "$GOLDEN" check ntsmex fixtures
	assert_failure 1
	assert_output --partial "golden: ntsmex: ntsmex-richtext: differs from $T/golden/ntsmex/ntsmex-richtext.msg"
	assert_line -- "-Subject: Quarterly report + figures"
	assert_line -- "+Subject: Quarterly report & figures"
	assert_output --partial "golden: ntsmex fixtures: 12 of 13 equal"
}

@test "golden: normalise() replaces the run's clock, GMime's boundaries and Message-IDs, nothing else" {
	now=1796207561
	run "$GOLDEN" normalise "$now" "$now" <<-EOF
	arrival $now
	arrival 1763768027
	Date: Wed, 02 Dec 2026 10:32:41 +0000
	Date: Thu, 20 Nov 2025 10:15:30 +0100
	time: 2026-12-02T10:32:41Z
	<datetime>20261202T103241,00+00</datetime><datetime>20251121T101112,00+0530</datetime>
	Content-Type: multipart/mixed; boundary="=-/SyRDvEwbM0nRK27RgQR"
	Content-Type: multipart/alternative; boundary="=-f0S9Wv0EeYUK3nDqfIcU"
	--=-f0S9Wv0EeYUK3nDqfIcU
	--=-/SyRDvEwbM0nRK27RgQR--
	Content-Type: multipart/mixed; boundary="=-from-the-sender"
	Message-Id: <HMYEPT.MTPTJF229A4Z@example.com>
	Message-ID: <OF0123ABCD.4567EF01-ON85257A00.005F5A6B@acme.example>
	EOF
	assert_success
	assert_output - <<-EOF
	arrival @CLOCK@
	arrival 1763768027
	Date: @CLOCK@
	Date: Thu, 20 Nov 2025 10:15:30 +0100
	time: @CLOCK@
	<datetime>@CLOCK@</datetime><datetime>20251121T101112,00+0530</datetime>
	Content-Type: multipart/mixed; boundary="@BOUNDARY-1@"
	Content-Type: multipart/alternative; boundary="@BOUNDARY-2@"
	--@BOUNDARY-2@
	--@BOUNDARY-1@--
	Content-Type: multipart/mixed; boundary="=-from-the-sender"
	Message-Id: <@MESSAGE-ID@@example.com>
	Message-ID: <OF0123ABCD.4567EF01-ON85257A00.005F5A6B@acme.example>
	EOF
}
