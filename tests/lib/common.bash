# shellcheck shell=bash
# Paths, waiting and small assertions shared by all test files.

TESTS_DIR=$(cd "$BATS_TEST_DIRNAME" && pwd)
TOP_DIR=$(cd "$TESTS_DIR/.." && pwd)
# shellcheck disable=SC2034 # used by the test files
LAB="$TOP_DIR/scripts/lab"

# The hook under test; a relative path is taken from the current directory.
DOCKERFLY_HOOK=${DOCKERFLY_HOOK:-$TOP_DIR/build/dockerfly-hook}
case $DOCKERFLY_HOOK in
/*) ;;
*) DOCKERFLY_HOOK=$PWD/$DOCKERFLY_HOOK ;;
esac
export DOCKERFLY_HOOK

# Debug output from the hook would break the one-line error checks.
unset DOCKERFLY_DEBUG

# flunk MESSAGE...: fail the current test with a message on stderr.
flunk() {
	echo "$*" >&2
	return 1
}

# wait_until TRIES CMD...: run CMD every 0.1 s until it succeeds, at most TRIES times.
# A bounded poll, never a fixed sleep: the test goes on as soon as the condition holds.
wait_until() {
	local tries=$1 i
	shift
	for ((i = 0; i < tries; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	flunk "gave up after $tries tries waiting for: $*"
}

# assert_eq WHAT EXPECTED ACTUAL
assert_eq() {
	[ "$2" = "$3" ] && return 0
	flunk "$1: expected \"$2\", got \"$3\""
}

# assert_contains WHAT HAYSTACK NEEDLE
assert_contains() {
	[[ $2 == *"$3"* ]] && return 0
	flunk "$1: \"$3\" not found in: $2"
}

# hook ARG...: the hook under test, bounded in time like the runtimes bound it.
hook() {
	timeout 60 "$DOCKERFLY_HOOK" "$@"
}

need_hook() {
	[ -x "$DOCKERFLY_HOOK" ] || flunk "hook not built: $DOCKERFLY_HOOK (run make)"
}

# Per-file tag: the file's number plus a piece of the pid, so files running in parallel (and
# containers, labs and namespaces they name) never collide. Set once in setup_file.
init_file_tag() {
	local base
	base=${BATS_TEST_FILENAME##*/}
	DFT_NUM=${base%%-*}
	DFT_PID=$(printf '%05x' $(($$ % 0x100000)))
	DFT_FILE_NET=$((10#$DFT_NUM))
	export DFT_NUM DFT_PID DFT_FILE_NET
}

# Names this file may create: labs dfl-NUM<letter>PID..., scratch netns dft-NUMPID-...
our_name_re() {
	printf '^df[lt]-%s[a-z]?%s' "$DFT_NUM" "$DFT_PID"
}
