#!/usr/bin/env bats
# scripts/demo ("make demo") end to end, in a state directory of this file's own and on lab
# subnet 198.18.60.0/24: it passes and leaves nothing behind; a failed step stops it with the
# step's name and still cleans up; KEEP=1 leaves it running until "demo down".

load helper

setup_file() {
	common_setup_file
	[ "$(id -u)" = 0 ] || skip "needs root (engines, network namespaces)"
	command -v docker >/dev/null || skip "docker is not installed"
	docker info >/dev/null 2>&1 || skip "dockerd does not answer (tests/lib/start-engines)"
	export DEMO="$TOP_DIR/scripts/demo"
	export DEMO_NET=$((10#$DFT_NUM))
}

setup() {
	export DOCKERFLY_DEMO_DIR="$BATS_TEST_TMPDIR/demo"
	common_setup
}

teardown() {
	local rc=0
	"$DEMO" down >/dev/null 2>&1 || rc=1
	common_teardown || rc=1
	return "$rc"
}

teardown_file() {
	common_teardown_file
}

# Nothing of a demo is left: machines, lab namespaces and parent, runtime, state directory.
demo_gone() {
	assert_eq "demo machines" "" "$(docker ps -aq --filter label=dockerfly.demo=1)"
	assert_eq "demo namespaces" "" "$(ip netns list | grep -E '^dfl-demo-' || true)"
	run ip link show dev dfl-demo
	[ "$status" -ne 0 ] || flunk "the lab's parent dfl-demo is left"
	run docker info --format '{{json .Runtimes}}'
	[[ $output != *dockerfly-demo* ]] || flunk "runtime dockerfly-demo is still registered"
	[ ! -e "$DOCKERFLY_DEMO_DIR" ] || flunk "$DOCKERFLY_DEMO_DIR is left"
}

@test "demo: every step passes, the machines log in and reach each other, nothing is left" {
	run "$DEMO"
	[ "$status" -eq 0 ] || flunk "demo failed: $output"
	assert_contains "steps" "$output" "== 9/9 The machines reach each other and the gateway"
	assert_contains "machines" "$output" "web1: 198.18.$DEMO_NET.10/24 on dfl-demo (docker)"
	assert_contains "login" "$output" "hostname db1"
	assert_contains "route" "$output" "default via 198.18.$DEMO_NET.1 dev lan0"
	assert_contains "ping" "$output" "web2 -> db1 (198.18.$DEMO_NET.12): time="
	assert_contains "total" "$output" "Total: "
	demo_gone
}

@test "demo: a failed step stops it, names the step and still cleans up" {
	run env DEMO_NET=256 "$DEMO"
	[ "$status" -ne 0 ] || flunk "demo passed with DEMO_NET=256"
	assert_contains "failure" "$output" \
		'demo: FAILED at step 6/9 (Lab LAN "demo": a switch, a peer host (the gateway)'
	[[ $output != *"== 7/9"* ]] || flunk "the demo went on after the failed step"
	demo_gone
}

@test "demo: KEEP=1 leaves the machines running, a second demo is refused, down removes it" {
	run env KEEP=1 "$DEMO"
	[ "$status" -eq 0 ] || flunk "demo failed: $output"
	assert_contains "note" "$output" "ip netns exec dfl-demo-peer"
	assert_eq "machines kept" 3 "$(docker ps -q --filter label=dockerfly.demo=1 | wc -l)"
	run ip netns exec dfl-demo-peer "$DOCKERFLY_DEMO_DIR/prefix/bin/dockerfly" ssh web2 hostname
	assert_eq "login to a kept machine" web2 "$output"

	run "$DEMO"
	[ "$status" -ne 0 ] || flunk "a second demo ran beside the kept one"
	assert_contains "refusal" "$output" "a kept demo is still there"

	run "$DEMO" down
	assert_eq "down" 0 "$status"
	demo_gone
}
