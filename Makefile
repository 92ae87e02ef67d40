# resgraph - citation graphs of UN texts.
#
#   make demo    install what is missing, build, draw the example's lineage into graphs/
#   make check   install what is missing, build, run every test
#   make         build build/resgraph
#   make graphs  regenerate graphs/ from the example documents
#   make bench   benchmarks (not tests: they print figures)
#   make asan    build and run the tests with AddressSanitizer and UBSan
#   make test-portable  the tests of the loops an older processor takes (no AVX2, no SSSE3)
#   make fuzz    libFuzzer on the readers of outside input (FUZZ_SECONDS per target)
#   make install PREFIX=/usr/local DESTDIR=

PREFIX ?= /usr/local
CC ?= cc
CFLAGS ?= -O3 -g
WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wno-unused-parameter
STD = -std=c11 -D_POSIX_C_SOURCE=200809L
PKGS = igraph libpcre2-8 libcgraph libgvc gmp
BUILD ?= build

# Evaluated when a recipe runs, so that `make demo` can install the libraries first.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS = $(shell pkg-config --libs $(PKGS))

LIB_SRC = src/util.c src/text.c src/ids.c src/paragraphs.c src/prefilter.c src/extract.c src/identity.c src/document.c src/stream.c src/batch.c src/records.c \
          src/graph.c \
          src/lineage.c src/render.c src/export.c src/output.c
LIB_OBJ = $(LIB_SRC:src/%.c=$(BUILD)/%.o)

ALL_CFLAGS = $(STD) $(WARN) $(CFLAGS) $(PKG_CFLAGS) -pthread
ALL_LIBS = $(PKG_LIBS) -pthread -lm

EXAMPLE = tests/fixtures/A-C.1-78-L.11.zh.txt
ICT = tests/fixtures/ict/*.txt

.PHONY: all demo check deps test test-portable test-loops graphs bench asan fuzz install clean

all: $(BUILD)/resgraph

$(BUILD)/%.o: src/%.c src/resgraph.h src/internal.h | $(BUILD)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)

# the stage that reads texts shares its own header
$(BUILD)/extract.o $(BUILD)/identity.o $(BUILD)/document.o $(BUILD)/stream.o: src/scan.h

$(BUILD)/libresgraph.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

CLI_OBJ = $(BUILD)/main.o $(BUILD)/cmd_extract.o $(BUILD)/cmd_lineage.o $(BUILD)/cmd_draw.o

$(CLI_OBJ): src/cli.h

$(BUILD)/resgraph: $(CLI_OBJ) $(BUILD)/libresgraph.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LIBS)

$(BUILD)/unit: tests/unit.c $(BUILD)/libresgraph.a
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $^ $(ALL_LIBS)

$(BUILD)/cases: tests/cases.c $(BUILD)/libresgraph.a
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $^ $(ALL_LIBS)

$(BUILD)/utf8: tests/utf8.c $(BUILD)/libresgraph.a
	$(CC) $(ALL_CFLAGS) -Isrc -o $@ $^ $(ALL_LIBS)

deps:
	@scripts/install-deps

demo: deps
	$(MAKE) all
	$(MAKE) graphs
	@echo
	@echo "The example's lineage: graphs/A-C.1-78-L.11.svg (open it in a browser)"

check: deps
	$(MAKE) all
	$(MAKE) test
	$(MAKE) test-portable
	$(MAKE) asan

test: $(BUILD)/resgraph $(BUILD)/unit $(BUILD)/cases $(BUILD)/utf8
	$(BUILD)/unit
	$(BUILD)/utf8
	$(BUILD)/cases tests/extract/*.cases
	tests/cli.sh $(BUILD)/resgraph
	tests/graph-files.sh $(BUILD)/resgraph
	tests/exports.sh $(BUILD)/resgraph
	tests/lineage.sh $(BUILD)/resgraph
	tests/extract-corpus.sh $(BUILD)/resgraph
	tests/reliability.sh $(BUILD)/resgraph
	CC="$(CC)" CFLAGS="$(CFLAGS)" tests/fuzz-regress.sh $(BUILD)

graphs: $(BUILD)/resgraph
	scripts/make-graphs $(BUILD)/resgraph graphs A-C.1-78-L.11 $(EXAMPLE)
	scripts/make-graphs $(BUILD)/resgraph graphs ict-series $(ICT)

bench: all
	@RESGRAPH_BENCH=1 scripts/install-deps
	scripts/bench

# The loops that have an AVX2 version (UTF-8 validation, counts of lines and
# characters, the prefilter's scan, the newlines of paragraphs) are chosen when
# the program runs, so on a processor with AVX2 `make test` never reaches the
# others.  Built with RG_NO_AVX2, and then RG_NO_SSSE3 too (the UTF-8 validator
# has a third way), the library takes them.  Each build runs the tests that reach
# those loops; the generated corpus (slow) only the first, as the second changes
# only the validator, which every input of the other tests goes through.
test-portable:
	$(MAKE) BUILD=build/noavx2 CFLAGS="$(CFLAGS) -DRG_NO_AVX2" test-loops
	tests/extract-corpus.sh build/noavx2/resgraph
	$(MAKE) BUILD=build/nossse3 CFLAGS="$(CFLAGS) -DRG_NO_AVX2 -DRG_NO_SSSE3" test-loops

test-loops: $(BUILD)/resgraph $(BUILD)/unit $(BUILD)/cases $(BUILD)/utf8
	$(BUILD)/unit
	$(BUILD)/utf8
	$(BUILD)/cases tests/extract/*.cases
	tests/cli.sh $(BUILD)/resgraph

# The whole suite again under AddressSanitizer, UBSan and LeakSanitizer
# (suppressions: tests/lsan.supp, the libraries' own one-time allocations).
asan:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	$(MAKE) BUILD=build/asan CC=clang \
	    CFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    test

# libFuzzer on the parsers of outside input, FUZZ_SECONDS per target (default 60);
# what it breaks lands in tests/fuzz/regress/ and is replayed by `make check`.
fuzz: deps
	$(MAKE) all
	scripts/fuzz $(FUZZ_SECONDS)

install: $(BUILD)/resgraph
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD)/resgraph $(DESTDIR)$(PREFIX)/bin/resgraph

clean:
	rm -rf build

