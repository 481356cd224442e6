# Voronka build. `make` builds build/voronka; `make asan` builds build-asan/voronka under
# AddressSanitizer + UBSan; `make test` runs every suite (tests/run.sh); `make fuzz` builds the
# libFuzzer targets with clang. Sources are found by wildcard: a new file in src/ needs no edit here.
# BUILD=dir lets several builds (or helpers) share the tree without stepping on each other.

BUILD   ?= build
CC      ?= cc
PKGS    := libmicrohttpd jansson sqlite3 libsodium gnutls zlib xlsxwriter
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
WARN    := -Wall -Wextra -Wno-unused-parameter -Wshadow -Wformat=2 -Werror=implicit-function-declaration
CFLAGS  ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(EXTRA_CFLAGS) -Isrc $(PKG_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lpthread -lm

SRC_ALL := $(shell find src -name '*.c' | sort)
SRC_LIB := $(filter-out src/main.c,$(SRC_ALL))
OBJ_LIB := $(SRC_LIB:%.c=$(BUILD)/%.o)
DEPS    := $(OBJ_LIB:.o=.d) $(BUILD)/src/main.d

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all asan test fuzz clean check-source unit bench
all: $(BUILD)/voronka $(UNIT_BIN)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/libvoronka.a: $(OBJ_LIB)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/voronka: $(BUILD)/src/main.o $(BUILD)/libvoronka.a | check-source
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(BUILD)/libvoronka.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libvoronka.a $(LDLIBS)

# The sanitizer build the tests can run against: VORONKA_BIN=build-asan/voronka tests/run.sh
asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined"

# libFuzzer targets: one per parser of outside input (tests/fuzz/fuzz_*.c)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" build-fuzz/libvoronka.a
	@mkdir -p build-fuzz/fuzz
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  echo "clang $$n"; \
	  clang -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=fuzzer,address,undefined -Isrc $(PKG_CFLAGS) \
	    -o build-fuzz/fuzz/$$n $$f build-fuzz/libvoronka.a $(LDLIBS) || exit 1; done

# Source rules that the compiler cannot see: banned calls, and SQL text only under src/store/.
check-source:
	@scripts/check-source.sh

test: all
	tests/run.sh

clean:
	rm -rf build build-asan build-fuzz

-include $(DEPS)
