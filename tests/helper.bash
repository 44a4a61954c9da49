# shellcheck shell=bash
# Loaded by every bats file ("load helper"). Each file calls the common_* functions from its
# own setup_file / teardown_file / setup / teardown.

bats_require_minimum_version 1.5.0

for _lib in common lab procs runtime bundle leaks hook_cases; do
	# shellcheck source=/dev/null
	source "$BATS_TEST_DIRNAME/lib/$_lib.bash"
done
unset _lib

# common_setup_file [NET]: tag the file, and with NET bring up lab "LAB" on 198.18.NET.0/24.
common_setup_file() {
	# Tests in a file share its labs and runtime root: never run them side by side.
	export BATS_NO_PARALLELIZE_WITHIN_FILE=true
	init_file_tag
	[ $# -eq 0 ] || file_lab_up LAB a "$1"
}

common_teardown_file() {
	delete_all_containers
	file_labs_down
}

common_setup() {
	leak_snapshot
}

# Everything a test made goes, even when the test failed; then nothing may be left.
common_teardown() {
	local rc=0
	delete_all_containers || rc=1
	stop_bg
	own_links_del
	scratch_netns_del || rc=1
	test_labs_down || rc=1
	leak_check || rc=1
	return "$rc"
}
