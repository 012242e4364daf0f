#!/usr/bin/env bats
# valgrind.bats - the stages under valgrind's memcheck, on the tests'
# fixtures: no invalid read or write, no use of uninitialised memory.
# Valgrind cannot run ASan binaries, so when the tree is built with
# SANITIZE=1 (as in CI) the programs are built once more, plainly, in a
# temporary copy.

load helpers/common

setup_file() {
	command -v valgrind >/dev/null || return 0
	VBIN="$LME_ROOT/bin"
	if grep -q fsanitize "$LME_ROOT/.build-flags" 2>/dev/null; then
		local b="$BATS_FILE_TMPDIR/build"
		mkdir -p "$b/bin" "$b/test/unit"
		cp -r "$LME_ROOT/lib" "$LME_ROOT/Makefile" "$b/"
		cp "$LME_ROOT"/bin/*.c "$b/bin/"
		rm -f "$b"/lib/*/*.o "$b"/lib/*.a "$b"/lib/*/*.a
		# not the SANITIZE=1 that "make check SANITIZE=1" passes down in MAKEFLAGS
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$b" -j2 SANITIZE= \
			bin/mexout bin/mexnts bin/ntsmex bin/mexin bin/mexq >"$b/make.log" 2>&1 ||
			{ cat "$b/make.log"; return 1; }
		VBIN="$b/bin"
	fi
	export VBIN
}

setup() {
	command -v valgrind >/dev/null || skip "valgrind not installed"
	lme_setup
	printf 'jane@example.com\tJane Doe/Exchange@Exchange\n' >> "$T/maps/addresses"
	lme_conf_set mexin relay "sendmail:/bin/true"
}

# vg PROGRAM ARGS... - run under memcheck; fails on any error it reports
vg() {
	run valgrind --quiet --error-exitcode=99 --leak-check=no --track-origins=no \
		--suppressions="$LME_ROOT/test/valgrind.supp" \
		--trace-children=no "$VBIN/$1" "${@:2}"
	echo "$output" | grep -E '^==[0-9]+== ' | head -40
	[ "$status" -eq 0 ] || { echo "$output" | tail -20; false; }
	! echo "$output" | grep -qE '^==[0-9]+== (Invalid|Conditional|Use of uninitialised|Syscall param)'
}

# readyout FILE - a readyout queue file for a fixture message
readyout() {
	local d="$T/spool/readyout" id="$(date +%s).M$RANDOM$RANDOM.vg"
	mkdir -p "$d/tmp" "$d/new" "$d/cur"
	{
		printf 'lme-envelope 1\nid %s\narrival %s\nhops 1\nsender jane@example.com\n' "$id" "$(date +%s)"
		printf 'sender_notes jane@example.com@Exchange\n'
		printf 'rcpt smtp=john.smith@notes.example.com\tnotes=John Smith/Sales/Acme@Acme\nend\n'
		cat "$1"
	} > "$d/new/$id"
}

@test "valgrind: mexout -enqueue and its worker" {
	vg mexout -enqueue -f jane@example.com -- john.smith@notes.example.com < "$FIXTURES/mexnts/mixed.eml"
	vg mexout -1 -f
	[ "$(queue_count readyout)" = 1 ]
}

@test "valgrind: mexnts over the MIME fixtures, rich text and native MIME" {
	for f in mixed html related nested rfc2231 iso2022jp smime malformed; do
		readyout "$FIXTURES/mexnts/$f.eml"
	done
	vg mexnts -1 -f
	[ "$(queue_count mail.box)" = 8 ]
	lme_conf_set mexnts body_format mime
	readyout "$FIXTURES/mexnts/alternative.eml"
	vg mexnts -1 -f
	[ "$(queue_count mail.box)" = 9 ]
}

@test "valgrind: ntsmex over the DXL fixtures, then mexin submits" {
	mkdir -p "$T/spool/exchange.box/tmp" "$T/spool/exchange.box/new" "$T/spool/exchange.box/cur"
	for f in richtext i18n mime ndr dr rr raw-multipart entities; do
		cp "$FIXTURES/ntsmex/$f.dxl" "$T/spool/exchange.box/new/$(date +%s).M$RANDOM$RANDOM.$f"
	done
	vg ntsmex -1 -f
	[ "$(queue_count readyin)" -ge 1 ]
	vg mexin -1 -f
	[ "$(queue_count readyin)" = 0 ]
}

@test "valgrind: mexq list, show and stats" {
	vg mexout -enqueue -f jane@example.com -- john.smith@notes.example.com < "$FIXTURES/mexnts/plain.eml"
	id=$(ls "$T/spool/mts-out/new")
	vg mexq list
	vg mexq show "$id"
	vg mexq stats
}
