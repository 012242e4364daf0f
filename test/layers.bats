#!/usr/bin/env bats
# layers.bats - lib/ in layers (util <- dxl <- global <- {outbound,
# inbound, dir} <- bin): tools/lint refuses an include that points upward
# or sideways between the wings, or names no folder; and the per-folder
# archives, linked from the top down, leave an upward call unresolved.

load helpers/common

setup() {
	T="$BATS_TEST_TMPDIR"
	cp -r "$LME_ROOT/lib" "$LME_ROOT/bin" "$T/"
	find "$T/lib" -name '*.[oa]' -delete
}

@test "lint: this tree follows the layering rule" {
	run "$LME_ROOT/tools/lint"
	assert_success
}

@test "lint: an upward include (global -> outbound) is refused with file, line and the rule" {
	printf '#include "outbound/memo.h"\n' >> "$T/lib/global/spool.c"
	run "$LME_ROOT/tools/lint" "$T"
	assert_failure
	assert_output --regexp 'lint: lib/global/spool\.c:[0-9]+: #include "outbound/memo\.h": lib/global may not include lib/outbound \(upward\)'
}

@test "lint: a sideways include between wings (dir -> inbound) is refused" {
	printf '#include "inbound/smtpc.h"\n' >> "$T/lib/dir/ldif.c"
	run "$LME_ROOT/tools/lint" "$T"
	assert_failure
	assert_output --partial 'lib/dir may not include lib/inbound (sideways between wings)'
}

@test "lint: an include without its folder, and a file outside the layers, are refused" {
	printf '#include "spool.h"\n' >> "$T/lib/util/msg.c"
	mkdir "$T/lib/misc" && printf 'int x;\n' > "$T/lib/misc/x.c"
	run "$LME_ROOT/tools/lint" "$T"
	assert_failure
	assert_output --partial '#include "spool.h": name the folder'
	assert_output --partial 'lib/misc is not a layer'
}

@test "link: a call from util up into outbound finds nothing to link against" {
	[ -f "$LME_ROOT/lib/util/libutil.a" ] || skip "not built (make)"
	cd "$T"
	printf 'void memo_init(void);\nvoid layers_up(void);\nvoid layers_up(void) { memo_init(); }\n' > up.c
	printf 'void layers_up(void);\nint main(void) { layers_up(); return 0; }\n' > main.c
	cc -c -o up.o up.c
	cp "$LME_ROOT/lib/util/libutil.a" libutil.a
	ar rcs libutil.a up.o
	a="$LME_ROOT/lib"
	# the Makefile's order; SANITIZE builds need the same flags to link
	flags=$(cat "$LME_ROOT/.build-flags" | grep -o -- '-fsanitize=[^ ]*' | head -1 || true)
	run cc $flags -o prog main.c "$a/outbound/liboutbound.a" "$a/inbound/libinbound.a" \
		"$a/dir/libdir.a" "$a/global/libglobal.a" "$a/dxl/libdxl.a" libutil.a \
		$(pkg-config --libs gmime-3.0 glib-2.0 libxml-2.0 inih ldap nettle) -llber -lmilter -lpthread
	assert_failure
	assert_output --partial "undefined reference to \`memo_init'"
}
