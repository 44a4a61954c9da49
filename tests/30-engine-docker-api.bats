#!/usr/bin/env bats
# The Docker Engine REST API over its unix socket, as a test harness drives it: a container
# with HostConfig.Runtime set to dockerfly-runtime and the settings in Env; start, exec, copy
# in and out through the archive endpoint, stop, start again, delete. The LAN address answers
# from the lab's peer whenever the container runs.

# Each test runs in a subshell of its own, and bats' run sets $stderr.
# shellcheck disable=SC2030,SC2031,SC2154

load helper
load lib/engines

DOCKER_SOCK=/var/run/docker.sock
API=v1.41

setup_file() {
	engines_setup_file 30
	need_docker
	[ -S "$DOCKER_SOCK" ] || flunk "no Docker socket at $DOCKER_SOCK"
	ensure_image docker
	docker_runtime_up
}

teardown_file() {
	docker_rm_ours
	docker_runtime_down
	common_teardown_file
}

setup() {
	common_setup
}

teardown() {
	local rc=0
	docker_rm_ours || rc=1
	common_teardown || rc=1
	return "$rc"
}

# api METHOD PATH [curl options...]: one request; the body goes to $BATS_TEST_TMPDIR/body,
# the HTTP status is printed.
api() {
	curl -sS --unix-socket "$DOCKER_SOCK" -X "$1" -o "$BATS_TEST_TMPDIR/body" \
		-w '%{http_code}' "http://localhost/$API$2" "${@:3}"
}

# api_json METHOD PATH JSON: a request with a JSON body.
api_json() {
	api "$1" "$2" -H 'Content-Type: application/json' --data-binary "$3"
}

body() {
	cat "$BATS_TEST_TMPDIR/body"
}

# api_exec ID CMD...: run CMD in the container through the exec endpoints; its output (a TTY,
# so not multiplexed) is printed and its exit code checked.
api_exec() {
	local id=$1 eid
	shift
	assert_eq "exec create" 201 "$(api_json POST "/containers/$id/exec" "$(jq -nc \
		--argjson cmd "$(json_array "$@")" \
		'{Cmd: $cmd, AttachStdout: true, AttachStderr: true, Tty: true}')")"
	eid=$(body | jq -r .Id)
	assert_eq "exec start" 200 "$(api_json POST "/exec/$eid/start" '{"Detach": false, "Tty": true}')"
	cp "$BATS_TEST_TMPDIR/body" "$BATS_TEST_TMPDIR/exec.out"
	assert_eq "exec inspect" 200 "$(api GET "/exec/$eid/json")"
	assert_eq "exit code of $*" 0 "$(body | jq -r .ExitCode)"
	tr -d '\r' <"$BATS_TEST_TMPDIR/exec.out"
}

@test "docker API: HostConfig.Runtime; start, exec, archive in and out, stop, start, delete" {
	local name id spec addr="$LAB_NET4.20" out="$BATS_TEST_TMPDIR/out" env
	name=$(cname api)
	mapfile -t env < <(lan_env 20)
	spec=$(jq -nc --arg image "$TEST_IMAGE" --arg cmd "$(serve_cmd)" --arg rt "$DOCKER_RT" \
		--arg lk "$TEST_LABEL_KEY" --arg lv "${TEST_LABEL#*=}" \
		--argjson env "$(json_array "${env[@]}")" '
		{Image: $image, Cmd: ["sh", "-c", $cmd], Env: $env, Labels: {($lk): $lv},
		 HostConfig: {Runtime: $rt, NetworkMode: "none"}}')

	assert_eq "create" 201 "$(api_json POST "/containers/create?name=$name" "$spec")"
	id=$(body | jq -r .Id)
	assert_eq "runtime recorded" "$DOCKER_RT" \
		"$(api GET "/containers/$id/json" >/dev/null; body | jq -r .HostConfig.Runtime)"
	! peer_arp "$addr" || flunk "$addr answers before the container started"

	assert_eq "start" 204 "$(api POST "/containers/$id/start")"
	wait_until 50 peer_gets "$addr"
	record_netns "$(api GET "/containers/$id/json" >/dev/null; body | jq -r .State.Pid)"

	# exec: the container sees its LAN address.
	assert_contains "lan0 seen inside" "$(api_exec "$id" ip -o -4 addr show dev lan0)" \
		"inet $addr/24"

	# Archive in: a file put into /tmp, read back by exec and by the archive endpoint.
	mkdir -p "$out/in"
	echo "through the archive endpoint" >"$out/in/hello.txt"
	tar -C "$out/in" -cf "$out/in.tar" hello.txt
	assert_eq "archive put" 200 "$(api PUT "/containers/$id/archive?path=/tmp" \
		-H 'Content-Type: application/x-tar' --data-binary "@$out/in.tar")"
	assert_eq "file inside" "through the archive endpoint" "$(api_exec "$id" cat /tmp/hello.txt)"
	assert_eq "archive get" 200 "$(api GET "/containers/$id/archive?path=/tmp/hello.txt")"
	assert_eq "file out" "through the archive endpoint" \
		"$(tar -xOf "$BATS_TEST_TMPDIR/body" hello.txt)"
	assert_eq "archive get, made inside" 200 \
		"$(api GET "/containers/$id/archive?path=/tmp/www/index.html")"
	assert_eq "page out" dockerfly-container "$(tar -xOf "$BATS_TEST_TMPDIR/body" index.html)"

	assert_eq "stop" 204 "$(api POST "/containers/$id/stop?t=2")"
	gone_from_lan "$addr"
	assert_eq "start again" 204 "$(api POST "/containers/$id/start")" || flunk "$(body)"
	wait_until 50 peer_gets "$addr"
	record_netns "$(api GET "/containers/$id/json" >/dev/null; body | jq -r .State.Pid)"
	assert_contains "lan0 after restart" "$(api_exec "$id" ip -o -4 addr show dev lan0)" \
		"inet $addr/24"
	# The file copied in lives in the container's layer across the restart.
	assert_eq "file after restart" "through the archive endpoint" \
		"$(api_exec "$id" cat /tmp/hello.txt)"

	assert_eq "delete" 204 "$(api DELETE "/containers/$id?force=true")"
	assert_eq "gone" 404 "$(api GET "/containers/$id/json")"
}

@test "docker API: a refused setting comes back as the engine's error with the hook's line" {
	local name id spec
	name=$(cname apibad)
	spec=$(jq -nc --arg image "$TEST_IMAGE" --arg rt "$DOCKER_RT" --arg lk "$TEST_LABEL_KEY" \
		--arg lv "${TEST_LABEL#*=}" --arg parent "$LAB_PARENT" '
		{Image: $image, Cmd: ["sleep", "10"],
		 Env: ["DOCKERFLY_PARENT=\($parent)", "DOCKERFLY_MTU=9"], Labels: {($lk): $lv},
		 HostConfig: {Runtime: $rt, NetworkMode: "none"}}')
	assert_eq "create" 201 "$(api_json POST "/containers/create?name=$name" "$spec")"
	id=$(body | jq -r .Id)
	assert_eq "start refused" 500 "$(api POST "/containers/$id/start")"
	assert_contains "message" "$(body | jq -r .message)" "dockerfly-hook: container $id: "
	assert_contains "names the setting" "$(body | jq -r .message)" "DOCKERFLY_MTU"
	assert_eq "delete" 204 "$(api DELETE "/containers/$id?force=true")"
}
