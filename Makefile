# lme - Unix mail and directory coexistence gateway for Lotus Notes / Domino.
#
#   make            build the programs into bin/
#   make run        install what is missing, build, run dispatch in the
#                   foreground on the in-repo spool/ and lme.conf
#   make check      install what is missing, build, run every test
#   make golden     build, rewrite test/golden/ (the converters' expected
#                   output, checked by test/golden.bats) from what they
#                   write now: for an intended change, then review the diff
#   make bench      throughput and memory figures (see README)
#   make fuzz       libFuzzer targets (clang)
#   make domino     compile the Domino bridge (contrib/domino) against its
#                   compile-only stub and run its protocol tests
#   make install    PREFIX=/usr/local DESTDIR=
#   make SANITIZE=1 ...   build with ASan+UBSan

PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS     = gmime-3.0 glib-2.0 libxml-2.0 inih ldap nettle
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    = -Wall -Wextra -Werror -Wformat=2 -Wmissing-prototypes -Wno-unused-parameter
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE $(WARN) -Ilib $(PKG_CFLAGS)
LDLIBS  = -lmilter -llber $(PKG_LIBS) -lpthread

ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif

# lib/ in layers: a folder includes only folders to its left,
#   util <- dxl <- global <- {outbound, inbound, dir} <- bin
# (tools/lint checks the includes).  One archive per folder, linked from
# the top down, so that a call from a lower layer into a higher one
# finds nothing to link against.
LAYERS   = util dxl global outbound inbound dir
LINK_ORDER = outbound inbound dir global dxl util
ARCHIVES = $(foreach d,$(LINK_ORDER),lib/$(d)/lib$(d).a)
LIB_SRC  = $(sort $(wildcard $(addsuffix /*.c,$(addprefix lib/,$(LAYERS)))))
LIB_OBJ  = $(LIB_SRC:.c=.o)
LIB_HDR  = $(wildcard lib/*/*.h)
PROGS    = $(patsubst %.c,%,$(sort $(wildcard bin/*.c)))
# test/unit: one test program per module; test/bench: the benchmarks'
# floor and peer programs; test/progs: helper programs the suites drive
UNIT_SRC = $(sort $(wildcard test/unit/*.c))
UNITS    = $(UNIT_SRC:.c=)
TEST_PROGS = $(patsubst %.c,%,$(sort $(wildcard test/bench/*.c test/progs/*.c)))

all: $(ARCHIVES) $(PROGS) $(UNITS) $(TEST_PROGS)

define layer_archive
lib/$(1)/lib$(1).a: $(patsubst %.c,%.o,$(sort $(wildcard lib/$(1)/*.c)))
	$$(Q)rm -f $$@
	$$(Q)$$(AR) rcs $$@ $$^
endef
$(foreach d,$(LAYERS),$(eval $(call layer_archive,$(d))))

# V=1 shows the whole compiler command lines
Q = $(if $(V),,@)

lib/%.o: lib/%.c $(LIB_HDR) .build-flags
	@$(if $(V),:,echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

bin/%: bin/%.c $(ARCHIVES) $(LIB_HDR) .build-flags
	@$(if $(V),:,echo "  CCLD    $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(ARCHIVES) $(LDLIBS)

test/unit/%: test/unit/%.c $(ARCHIVES) $(LIB_HDR) test/unit/unit.h .build-flags
	@$(if $(V),:,echo "  CCLD    $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(ARCHIVES) $(LDLIBS)

test/bench/%: test/bench/%.c $(ARCHIVES) $(LIB_HDR) .build-flags
	@$(if $(V),:,echo "  CCLD    $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(ARCHIVES) $(LDLIBS)

test/progs/%: test/progs/%.c $(ARCHIVES) $(LIB_HDR) .build-flags
	@$(if $(V),:,echo "  CCLD    $@")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< $(ARCHIVES) $(LDLIBS)

# Rebuild everything when the compiler flags change (SANITIZE=1 and back).
.build-flags: FORCE
	@echo '$(CC) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LDFLAGS)' > $@

deps:
	@tools/install-deps

run: deps
	$(MAKE) all
	@test -f lme.conf.local || cp lme.conf lme.conf.local
	@chmod 700 spool
	bin/dispatch -f -c lme.conf.local

check: deps
	$(MAKE) all
	@tools/lint
	@tools/run-tests

golden: all
	@tools/golden update

bench: deps
	$(MAKE) all
	@tools/bench

fuzz:
	@tools/fuzz

# The Domino bridge: javac --release 8 against the stub of lotus.domino
# (never shipped), then the protocol tests over the fake, without the stub
# on the class path.  NOTES_JAR=/path/Notes.jar builds against a server's.
DOMINO   = contrib/domino
DOMINO_B = $(DOMINO)/build
JAVAC    = javac --release 8 -Xlint:all -Werror -encoding UTF-8
domino:
	@command -v javac >/dev/null || { echo "make domino: javac not installed (tools/install-deps)" >&2; exit 69; }
	@rm -rf $(DOMINO_B) && mkdir -p $(DOMINO_B)/stub $(DOMINO_B)/classes $(DOMINO_B)/test
	$(Q)$(if $(NOTES_JAR),:,$(JAVAC) -d $(DOMINO_B)/stub $$(find $(DOMINO)/stub -name '*.java'))
	$(Q)$(JAVAC) -cp $(if $(NOTES_JAR),$(NOTES_JAR),$(DOMINO_B)/stub) -d $(DOMINO_B)/classes $$(find $(DOMINO)/java -name '*.java')
	$(Q)$(JAVAC) -cp $(DOMINO_B)/classes -d $(DOMINO_B)/test $$(find $(DOMINO)/test -name '*.java')
	$(Q)java -cp $(DOMINO_B)/classes:$(DOMINO_B)/test lme.domino.BridgeTest $(CURDIR)/../shared/corpus/dxl

install: all
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/man/man8 \
		$(DESTDIR)$(PREFIX)/share/man/man5 $(DESTDIR)$(PREFIX)/share/man/man7 \
		$(DESTDIR)$(PREFIX)/share/lme/maps
	install -m 755 $(PROGS) $(DESTDIR)$(PREFIX)/sbin/
	install -m 644 man/*.8 $(DESTDIR)$(PREFIX)/share/man/man8/
	install -m 644 man/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/
	install -m 644 man/*.7 $(DESTDIR)$(PREFIX)/share/man/man7/
	sed -e 's|^spool = spool$$|spool = /var/spool/lme|' -e 's|^maps = maps$$|maps = /etc/lme/maps|' \
	    -e '/^# "make run" runs/d' -e '/^# set "user = lme" instead/d' \
	    -e 's|^allow_root = yes$$|user = lme|' \
	    -e 's|^# lme.conf - the default configuration for "make run".*|# lme.conf - an example; see lme.conf(5).|' \
	    -e '/^# on the in-repo spool/d' -e '/^# taken from this file/d' \
	    lme.conf > $(DESTDIR)$(PREFIX)/share/lme/lme.conf.example
	chmod 644 $(DESTDIR)$(PREFIX)/share/lme/lme.conf.example
	install -m 644 maps/* $(DESTDIR)$(PREFIX)/share/lme/maps/

clean:
	rm -f $(PROGS) $(UNITS) $(TEST_PROGS) lib/*/*.o lib/*/*.a .build-flags
	rm -rf test/tmp contrib/domino/build

.PHONY: all deps run check golden bench fuzz domino install clean FORCE
