#!/usr/bin/env bats
# dockerfly-setup against configuration files the tests own (--config), then once against the
# running dockerd: registering a runtime and taking it out leaves the daemon as it was.

# Each test runs in a subshell of its own, and bats' run sets $stderr.
# shellcheck disable=SC2030,SC2031,SC2154

load helper
load lib/engines

setup_file() {
	engines_setup_file
}

teardown_file() {
	docker_runtime_down
	common_teardown_file
}

setup() {
	common_setup
	D="$BATS_TEST_TMPDIR/etc"
	mkdir -p "$D"
}

teardown() {
	common_teardown
}

setup_run() {
	run --separate-stderr "$DF_SETUP" "$@"
}

@test "setup: --help, and bad arguments refused" {
	setup_run --help
	assert_eq status 0 "$status"
	assert_contains usage "$output" "usage: dockerfly-setup docker|podman|containerd [--undo]"
	setup_run
	assert_eq "no engine" 2 "$status"
	setup_run lxc
	assert_eq "bad engine" 2 "$status"
	assert_eq "bad engine message" "dockerfly-setup: unknown argument 'lxc' (see --help)" "$stderr"
	setup_run docker --config
	assert_eq "missing value" 2 "$status"
	setup_run docker --name 'a b' --config "$D/d.json" --no-reload
	assert_eq "bad name" 1 "$status"
}

@test "setup docker: runtime added beside every other setting, once; undo restores the file" {
	local f="$D/daemon.json"
	jq -n '{"log-level": "warn", runtimes: {other: {path: "/usr/bin/other"}}}' >"$f"
	chmod 0600 "$f"
	cp -p "$f" "$D/orig.json"

	setup_run docker --config "$f" --no-reload --runtime "$DF_RUNTIME"
	assert_eq status 0 "$status"
	assert_eq "runtime" "$DF_RUNTIME" "$(jq -r '.runtimes.dockerfly.path' "$f")"
	assert_eq "the rest" "$(jq -S . "$D/orig.json")" \
		"$(jq -S 'del(.runtimes.dockerfly)' "$f")"
	assert_eq "mode" 600 "$(stat -c %a "$f")"
	cmp "$D/orig.json" "$f.dockerfly-bak"

	cp -p "$f" "$D/once.json"
	setup_run docker --config "$f" --no-reload --runtime "$DF_RUNTIME"
	assert_eq "again: status" 0 "$status"
	assert_contains "again" "$output" "already"
	cmp "$D/once.json" "$f"

	setup_run docker --undo --config "$f" --no-reload
	assert_eq "undo: status" 0 "$status"
	cmp "$D/orig.json" "$f"
	setup_run docker --undo --config "$f" --no-reload
	assert_eq "undo again: status" 0 "$status"
	assert_contains "undo again" "$output" "nothing to undo"
}

@test "setup docker: a file it creates, it removes; other runtime names and files are refused" {
	local f="$D/new/daemon.json"
	setup_run docker --config "$f" --no-reload --runtime "$DF_RUNTIME" --name df2
	assert_eq status 0 "$status"
	assert_eq "created" "{\"runtimes\":{\"df2\":{\"path\":\"$DF_RUNTIME\"}}}" "$(jq -c . "$f")"
	setup_run docker --undo --config "$f" --no-reload --name df2
	assert_eq "undo status" 0 "$status"
	[ ! -e "$f" ] || flunk "$f left behind"

	echo '{"runtimes": {"df3": {"path": "/usr/bin/kata"}}}' >"$f"
	setup_run docker --config "$f" --no-reload --runtime "$DF_RUNTIME" --name df3
	assert_eq "foreign name: status" 1 "$status"
	assert_contains "foreign name" "$stderr" \
		"already has a runtime \"df3\" that is not dockerfly-runtime"
	setup_run docker --undo --config "$f" --no-reload --name df3
	assert_eq "foreign undo: status" 1 "$status"

	echo '[1]' >"$f"
	setup_run docker --config "$f" --no-reload --runtime "$DF_RUNTIME"
	assert_eq "not an object: status" 1 "$status"
	assert_eq "not an object" "dockerfly-setup: $f: not a JSON object; fix it first" "$stderr"

	setup_run docker --config "$D/x.json" --no-reload --runtime /nonexistent/dockerfly-runtime
	assert_eq "no runtime: status" 1 "$status"
	[ ! -e "$D/x.json" ] || flunk "file written for a missing runtime"
}

@test "setup docker: a file other than the running dockerd's is refused unless --no-reload" {
	need_docker
	setup_run docker --config "$D/daemon.json" --runtime "$DF_RUNTIME"
	assert_eq status 1 "$status"
	assert_contains "message" "$stderr" "not $D/daemon.json (use --no-reload"
	[ ! -e "$D/daemon.json" ] || flunk "file written"
}

@test "setup docker: the running dockerd loads the runtime and forgets it on undo, all else kept" {
	local bridge_before info_before conf_before=absent
	need_docker
	[ ! -e "$DOCKER_CONFIG_FILE" ] || conf_before=$(jq -S . "$DOCKER_CONFIG_FILE")
	bridge_before=$(docker network inspect bridge --format '{{json .IPAM.Config}}')
	info_before=$(docker info --format '{{.Driver}} {{.CgroupDriver}} {{.DefaultRuntime}}')

	docker_runtime_up
	docker info --format '{{json .Runtimes}}' | jq -e --arg n "$DOCKER_RT" \
		--arg p "$DF_RUNTIME" '.[$n].path == $p' >/dev/null ||
		flunk "dockerd does not list runtime $DOCKER_RT"
	assert_eq "bridge" "$bridge_before" \
		"$(docker network inspect bridge --format '{{json .IPAM.Config}}')"
	assert_eq "daemon" "$info_before" \
		"$(docker info --format '{{.Driver}} {{.CgroupDriver}} {{.DefaultRuntime}}')"

	docker_runtime_down
	docker info --format '{{json .Runtimes}}' | jq -e --arg n "$DOCKER_RT" 'has($n) | not' \
		>/dev/null || flunk "dockerd still lists runtime $DOCKER_RT"
	if [ "$conf_before" = absent ]; then
		# Another file's runtime may be registered meanwhile; ours must be gone.
		[ ! -e "$DOCKER_CONFIG_FILE" ] ||
			jq -e --arg n "$DOCKER_RT" '.runtimes[$n] == null' "$DOCKER_CONFIG_FILE" >/dev/null
	else
		jq -e --arg n "$DOCKER_RT" '.runtimes[$n] == null' "$DOCKER_CONFIG_FILE" >/dev/null
	fi
	assert_eq "bridge after" "$bridge_before" \
		"$(docker network inspect bridge --format '{{json .IPAM.Config}}')"
}

@test "setup podman: a drop-in adding the hooks directory to the ones Podman had; undo removes it" {
	local f="$D/containers.conf.d/50-dockerfly.conf"
	setup_run podman --config "$f" --hooks-dir "$DF_HOOKSD"
	assert_eq status 0 "$status"
	assert_eq "drop-in" "$(printf '%s\n[engine]\nhooks_dir = [%s, %s, "%s"]' \
		'# Added by dockerfly-setup; "dockerfly-setup ENGINE --undo" removes it.' \
		'"/usr/share/containers/oci/hooks.d"' '"/etc/containers/oci/hooks.d"' "$DF_HOOKSD")" \
		"$(cat "$f")"
	cp "$f" "$D/once"
	setup_run podman --config "$f" --hooks-dir "$DF_HOOKSD"
	assert_eq "again: status" 0 "$status"
	cmp "$D/once" "$f"

	# A hooks_dir set in another drop-in is kept, not replaced.
	setup_run podman --undo --config "$f"
	assert_eq "undo: status" 0 "$status"
	[ ! -e "$f" ] || flunk "drop-in left behind"
	printf '[engine]\nhooks_dir = ["/opt/hooks"]\n' >"$D/containers.conf.d/10-site.conf"
	setup_run podman --config "$f" --hooks-dir "$DF_HOOKSD"
	assert_contains "kept" "$(cat "$f")" "hooks_dir = [\"/opt/hooks\", \"$DF_HOOKSD\"]"
	setup_run podman --undo --config "$f"

	echo '[engine]' >"$f"
	setup_run podman --config "$f" --hooks-dir "$DF_HOOKSD"
	assert_eq "foreign: status" 1 "$status"
	setup_run podman --undo --config "$f"
	assert_eq "foreign undo: status" 1 "$status"
	assert_eq "foreign kept" "[engine]" "$(cat "$f")"

	setup_run podman --config "$D/p.conf" --hooks-dir "$D"
	assert_eq "no hooks file: status" 1 "$status"
	assert_contains "no hooks file" "$stderr" "no $D/dockerfly.json"
}

CRI_RUNTIMES='plugins."io.containerd.grpc.v1.cri".containerd.runtimes'

# ctd_runtime_of FILE NAME: the BinaryName, pod_annotations and runtime_type lines of runtime
# NAME as containerd reads FILE, sorted.
ctd_runtime_of() {
	containerd --config "$1" config dump |
		awk -v h="[$CRI_RUNTIMES.$2]" -v o="[$CRI_RUNTIMES.$2.options]" '
		/^[[:space:]]*\[/ { t = $0; sub(/^[[:space:]]+/, "", t); in_rt = (t == h || t == o) }
		in_rt && /runtime_type|BinaryName|pod_annotations/ { sub(/^[[:space:]]+/, ""); print }' |
		sort
}

# ctd_expected BINARY: what ctd_runtime_of shows for a handler made by dockerfly-setup.
ctd_expected() {
	printf 'BinaryName = "%s"\npod_annotations = ["dockerfly.*"]\n' "$1"
	printf 'runtime_type = "io.containerd.runc.v2"'
}

# dump_without FILE NAME: containerd's configuration from FILE without runtime NAME's tables.
dump_without() {
	containerd --config "$1" config dump | grep -v -e '^imports = ' -e '^[[:space:]]*$' |
		awk -v h="runtimes.$2]" -v o="runtimes.$2.options]" '
		/^[[:space:]]*\[/ { skip = index($0, h) || index($0, o) } !skip'
}

@test "setup containerd: a CRI runtime handler containerd reads, nothing else changed; undo exact" {
	local f="$D/config.toml"
	command -v containerd >/dev/null || skip "containerd is not installed"
	printf 'version = 2\n\n[plugins]\n  [plugins."io.containerd.grpc.v1.cri".cni]\n' >"$f"
	printf '    bin_dir = "/usr/lib/cni"\n' >>"$f"
	cp -p "$f" "$D/orig.toml"
	dump_without "$f" dockerfly >"$D/dump.before"

	setup_run containerd --config "$f" --runtime "$DF_RUNTIME"
	assert_eq status 0 "$status"
	assert_contains "restart advice" "$output" "restart it when that is safe"
	assert_eq "as containerd reads it" \
		"$(ctd_expected "$DF_RUNTIME")" \
		"$(ctd_runtime_of "$f" dockerfly)"
	# Everything else, runc's settings among them, is as containerd read it before.
	assert_eq "the rest" "$(cat "$D/dump.before")" "$(dump_without "$f" dockerfly)"
	cmp "$D/orig.toml" "$f.dockerfly-bak"

	cp -p "$f" "$D/once"
	setup_run containerd --config "$f" --runtime "$DF_RUNTIME"
	assert_contains "again" "$output" "already"
	cmp "$D/once" "$f"

	setup_run containerd --undo --config "$f"
	assert_eq "undo: status" 0 "$status"
	cmp "$D/orig.toml" "$f"
}

@test "setup containerd: a file it creates, it removes; version 1 and a second definition refused" {
	local f="$D/new/config.toml"
	command -v containerd >/dev/null || skip "containerd is not installed"
	setup_run containerd --config "$f" --runtime "$DF_RUNTIME" --name dfx
	assert_eq status 0 "$status"
	assert_eq "new file" \
		"$(ctd_expected "$DF_RUNTIME")" \
		"$(ctd_runtime_of "$f" dfx)"
	assert_contains "runc kept as the default" "$(ctd_runtime_of "$f" runc)" \
		'runtime_type = "io.containerd.runc.v2"'
	setup_run containerd --undo --config "$f" --name dfx
	assert_eq "undo: status" 0 "$status"
	[ ! -e "$f" ] || flunk "$f left behind"

	printf '[plugins.cri]\n  stream_server_port = "10010"\n' >"$f"
	setup_run containerd --config "$f" --runtime "$DF_RUNTIME"
	assert_eq "version 1: status" 1 "$status"
	assert_contains "version 1" "$stderr" "is not a version 2 configuration"

	printf 'version = 2\n[%s.dockerfly]\n  runtime_type = "io.containerd.runc.v2"\n' \
		"$CRI_RUNTIMES" >"$f"
	cp "$f" "$D/two"
	setup_run containerd --config "$f" --runtime "$DF_RUNTIME"
	assert_eq "defined: status" 1 "$status"
	assert_contains "defined" "$stderr" "already defines runtime dockerfly"
	cmp "$D/two" "$f"

	printf 'version = 2\n[plugins\n' >"$f"
	setup_run containerd --config "$f" --runtime "$DF_RUNTIME"
	assert_eq "broken: status" 1 "$status"
	assert_contains "broken" "$stderr" "containerd refuses $f as it is"
}
