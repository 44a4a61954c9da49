#!/usr/bin/env bats
# dockerfly-runtime, the runc wrapper, on its own: a fake real runtime (DOCKERFLY_RUNTIME)
# records the arguments it gets and the config.json it would run; then the wrapper in front
# of real runc and crun. Engines come in the other 30-engine-*.bats files.

# Each test runs in a subshell of its own, and bats' run sets $stderr.
# shellcheck disable=SC2030,SC2031,SC2154

load helper
load lib/engines

setup_file() {
	engines_setup_file 30
}

teardown_file() {
	common_teardown_file
}

setup() {
	common_setup
	FAKE_OUT="$BATS_TEST_TMPDIR/fake"
	mkdir -p "$FAKE_OUT"
	make_fake "$FAKE_OUT/bin/fake-runtime"
	export FAKE_OUT DOCKERFLY_RUNTIME="$FAKE_OUT/bin/fake-runtime"
	export DOCKERFLY_RUNTIME_CONF="$BATS_TEST_TMPDIR/runtime.conf"
	unset FAKE_BUNDLE
}

teardown() {
	[ ! -f "$BATS_TEST_TMPDIR/mounted" ] || umount "$(cat "$BATS_TEST_TMPDIR/mounted")"
	common_teardown
}

# make_fake PATH: a stand-in runtime recording its arguments (one per line), whether the loop
# guard was set, and the config.json of $FAKE_BUNDLE as it saw it.
make_fake() {
	mkdir -p "$(dirname "$1")"
	cat >"$1" <<'EOF'
#!/bin/sh
printf '%s\n' "$@" >"$FAKE_OUT/argv"
echo "${DOCKERFLY_RUNTIME_WRAPPED:-unset}" >"$FAKE_OUT/guard"
[ -z "${FAKE_BUNDLE:-}" ] || cp "$FAKE_BUNDLE/config.json" "$FAKE_OUT/config.json"
exit 0
EOF
	chmod +x "$1"
}

# spec_bundle DIR [KEY=VALUE annotations] [-e ENV]...: a bundle with runc's default config.json
# plus those settings and no hooks (no rootfs: nothing here runs a container).
spec_bundle() {
	local dir=$1 ann=() env=()
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		-e) env+=("$2"); shift ;;
		*) ann+=("$1") ;;
		esac
		shift
	done
	mkdir -p "$dir"
	runc spec --bundle "$dir"
	jq --argjson ann "$(json_object "${ann[@]}")" --argjson env "$(json_array "${env[@]}")" \
		'.annotations = $ann | .process.env += $env' "$dir/config.json" >"$dir/c.new"
	mv "$dir/c.new" "$dir/config.json"
}

# wrap ARG...: the wrapper, status and output in $status / $output / $stderr.
wrap() {
	run --separate-stderr "$DF_RUNTIME" "$@"
}

# wrap_path PATH ARG...: the wrapper with that PATH (the test's own tools keep theirs).
wrap_path() {
	run --separate-stderr env PATH="$1" "$DF_RUNTIME" "${@:2}"
}

# argv_is ARG...: the fake runtime got exactly these arguments.
argv_is() {
	assert_eq "arguments passed on" "$(printf '%s\n' "$@")" "$(cat "$FAKE_OUT/argv")"
}

# dockerfly_hooks FILE: "STAGE PATH ARG1" per dockerfly hook in config.json FILE.
dockerfly_hooks() {
	jq -r '.hooks // {} | to_entries[] | .key as $s | .value[]
		| select(.args[0] == "dockerfly-hook") | "\($s) \(.path) \(.args[1])"' "$1"
}

expected_hooks() {
	printf 'prestart %s prestart\npoststop %s poststop\n' "$1" "$1"
}

@test "wrapper: a container without dockerfly settings: config.json byte-identical" {
	local b="$BATS_TEST_TMPDIR/b"
	spec_bundle "$b" other.key=1 -e OTHER=1
	cp -p "$b/config.json" "$BATS_TEST_TMPDIR/orig.json"
	export FAKE_BUNDLE=$b

	wrap --root /r --log /l --log-format json create --bundle "$b" --pid-file /p ctr1
	assert_eq status 0 "$status"
	assert_eq stderr "" "$stderr"
	argv_is --root /r --log /l --log-format json create --bundle "$b" --pid-file /p ctr1
	cmp "$BATS_TEST_TMPDIR/orig.json" "$b/config.json"
	cmp "$BATS_TEST_TMPDIR/orig.json" "$FAKE_OUT/config.json"
	assert_eq "files in the bundle" config.json "$(ls -A "$b")"
}

@test "wrapper: settings by env: hooks appended after existing ones, once, mode and owner kept" {
	local b="$BATS_TEST_TMPDIR/b"
	spec_bundle "$b" -e "DOCKERFLY_PARENT=eth9" -e "DOCKERFLY_IP=198.18.30.10/24"
	jq '.hooks = {prestart: [{path: "/bin/true", args: ["true", "first"]}]}' \
		"$b/config.json" >"$b/c.new"
	mv "$b/c.new" "$b/config.json"
	chmod 0640 "$b/config.json"
	chown 65534:65534 "$b/config.json"
	export FAKE_BUNDLE=$b

	wrap create --bundle "$b" ctr2
	assert_eq status 0 "$status"
	assert_eq stderr "" "$stderr"
	# The real runtime saw the new config.json, with the engine's hook still first.
	assert_eq "hooks" "$(expected_hooks "$DOCKERFLY_HOOK")" \
		"$(dockerfly_hooks "$FAKE_OUT/config.json")"
	assert_eq "prestart order" "/bin/true $DOCKERFLY_HOOK" \
		"$(jq -r '[.hooks.prestart[].path] | join(" ")' "$b/config.json")"
	assert_eq "mode and owner" "640 65534:65534" "$(stat -c '%a %u:%g' "$b/config.json")"
	assert_eq "files in the bundle" config.json "$(ls -A "$b")"

	# Once: a second create (an engine retrying) leaves the file as it is.
	cp -p "$b/config.json" "$BATS_TEST_TMPDIR/once.json"
	wrap create --bundle "$b" ctr2
	assert_eq "second status" 0 "$status"
	cmp "$BATS_TEST_TMPDIR/once.json" "$b/config.json"

	# Everything but the hooks is as it was.
	assert_eq "rest of config.json" "$(jq -S 'del(.hooks)' "$BATS_TEST_TMPDIR/once.json")" \
		"$(jq -S 'del(.hooks)' "$b/config.json")"
}

@test "wrapper: settings by annotation; numbers, slashes and unicode survive the rewrite" {
	local b="$BATS_TEST_TMPDIR/b"
	spec_bundle "$b" dockerfly.parent=eth9 "x/url=http://a/b" "x.text=é ✓"
	# Numbers beyond a double's precision, written as text (jq itself would round them).
	jq '.linux.resources.memory = {limit: "BIG1", swappiness: "BIG2"}
		| .linux.resources.cpu = {quota: -1, period: 100000}' "$b/config.json" |
		sed -e 's/"BIG1"/9223372036854775807/' -e 's/"BIG2"/18446744073709551615/' >"$b/c.new"
	mv "$b/c.new" "$b/config.json"

	wrap create -b "$b" ctr3
	assert_eq status 0 "$status"
	assert_eq "hooks" "$(expected_hooks "$DOCKERFLY_HOOK")" "$(dockerfly_hooks "$b/config.json")"
	grep -qF '"limit":9223372036854775807' "$b/config.json"
	grep -qF '"swappiness":18446744073709551615' "$b/config.json"
	grep -qF '"quota":-1' "$b/config.json"
	assert_eq "slash" "http://a/b" "$(jq -r '.annotations["x/url"]' "$b/config.json")"
	grep -qF '"x/url":"http://a/b"' "$b/config.json"
	assert_eq "unicode" "é ✓" "$(jq -r '.annotations["x.text"]' "$b/config.json")"
}

@test "wrapper: every spelling and place of the bundle option, after any global option" {
	local b="$BATS_TEST_TMPDIR/b" i=0 form
	local -a forms=(
		"create --bundle BUNDLE ID"
		"create --bundle=BUNDLE ID"
		"create -b BUNDLE ID"
		"create -b=BUNDLE ID"
		"create -bundle BUNDLE ID"
		"create -bundle=BUNDLE ID"
		"create ID --bundle BUNDLE"
		"create --pid-file /p ID -b BUNDLE --console-socket /s"
		"create --no-pivot --preserve-fds 3 ID -b BUNDLE"
		"--root /r --log /l --log-format json --debug --systemd-cgroup create -b BUNDLE ID"
		"--root=/r --log=/l --criu /c --rootless false create -b BUNDLE ID"
		"-root /r -debug -log-format=text create -b BUNDLE ID"
		"--log create create -b BUNDLE ID"
		"--debug -- create -b BUNDLE ID"
		"create --bundle /elsewhere --bundle BUNDLE ID"
		"run --bundle BUNDLE -d ID"
	)
	for form in "${forms[@]}"; do
		i=$((i + 1))
		rm -rf "$b"
		spec_bundle "$b" -e DOCKERFLY_PARENT=eth9
		form=${form//BUNDLE/$b}
		form=${form//ID/c$i}
		# shellcheck disable=SC2086 # the form is a list of words
		wrap $form
		assert_eq "status of: $form" 0 "$status"
		# shellcheck disable=SC2086
		argv_is $form
		assert_eq "hooks after: $form" "$(expected_hooks "$DOCKERFLY_HOOK")" \
			"$(dockerfly_hooks "$b/config.json")"
	done
}

@test "wrapper: no bundle option: the bundle is the current directory; a relative one works" {
	local b="$BATS_TEST_TMPDIR/b"
	spec_bundle "$b" -e DOCKERFLY_PARENT=eth9
	cd "$b"
	wrap --root /r create c1
	assert_eq status 0 "$status"
	assert_eq "hooks, cwd bundle" "$(expected_hooks "$DOCKERFLY_HOOK")" \
		"$(dockerfly_hooks "$b/config.json")"

	rm -rf "$b"
	spec_bundle "$b" -e DOCKERFLY_PARENT=eth9
	cd "$BATS_TEST_TMPDIR"
	wrap create --bundle b c2
	assert_eq status 0 "$status"
	assert_eq "hooks, relative bundle" "$(expected_hooks "$DOCKERFLY_HOOK")" \
		"$(dockerfly_hooks "$b/config.json")"
}

@test "wrapper: other commands pass straight through, even from a bundle with settings" {
	local b="$BATS_TEST_TMPDIR/b" cmd
	spec_bundle "$b" -e DOCKERFLY_PARENT=eth9
	cp -p "$b/config.json" "$BATS_TEST_TMPDIR/orig.json"
	cd "$b"
	for cmd in "start c1" "state c1" "kill c1 KILL" "delete --force c1" "exec -p /p c1" \
		"--version" "ps c1" "--root /r --log /l events c1" "features" \
		"update --bundle $b c1"; do
		# shellcheck disable=SC2086 # the command is a list of words
		wrap $cmd
		assert_eq "status of: $cmd" 0 "$status"
		assert_eq "stderr of: $cmd" "" "$stderr"
		# shellcheck disable=SC2086
		argv_is $cmd
		assert_eq "guard for the real runtime" 1 "$(cat "$FAKE_OUT/guard")"
	done
	cmp "$BATS_TEST_TMPDIR/orig.json" "$b/config.json"
}

@test "wrapper: config.json that is not JSON is left to the real runtime, untouched" {
	local b="$BATS_TEST_TMPDIR/b"
	mkdir -p "$b"
	printf '{"process": {"env": ["DOCKERFLY_PARENT=eth9"]' >"$b/config.json"
	cp "$b/config.json" "$BATS_TEST_TMPDIR/orig.json"
	wrap create --bundle "$b" c1
	assert_eq status 0 "$status"
	argv_is create --bundle "$b" c1
	cmp "$BATS_TEST_TMPDIR/orig.json" "$b/config.json"
}

@test "wrapper: bundle option without a value is refused, nothing run" {
	wrap create c1 --bundle
	assert_eq status 1 "$status"
	assert_eq stderr "dockerfly-runtime: container c1: create: option --bundle needs a value" \
		"$stderr"
	[ ! -e "$FAKE_OUT/argv" ] || flunk "the real runtime ran"
}

@test "wrapper: the real runtime: env, then runtime.conf, then runc or crun from PATH" {
	local bin="$BATS_TEST_TMPDIR/bin" other="$BATS_TEST_TMPDIR/other" want
	make_fake "$bin/runc"
	make_fake "$other/crun"
	make_fake "$other/named"

	# runtime= in the config file, by name from PATH...
	printf '# the real one\n runtime = named \n' >"$DOCKERFLY_RUNTIME_CONF"
	unset DOCKERFLY_RUNTIME
	wrap_path "$other:$PATH" state c1
	assert_eq "conf by name" 0 "$status"
	argv_is state c1
	# ...but the environment comes first.
	rm "$FAKE_OUT/argv"
	DOCKERFLY_RUNTIME=/nonexistent/runc wrap_path "$other:$PATH" state c1
	assert_eq "env first: status" 1 "$status"
	want="dockerfly-runtime: real runtime '/nonexistent/runc' (from DOCKERFLY_RUNTIME): "
	assert_eq "env first" "${want}No such file or directory" "$stderr"

	# Neither: runc from PATH, else crun.
	rm "$DOCKERFLY_RUNTIME_CONF"
	wrap_path "$bin:$other:/usr/bin:/bin" state c2
	assert_eq "runc from PATH" 0 "$status"
	argv_is state c2
	rm "$bin/runc" "$FAKE_OUT/argv"
	wrap_path "$bin:$other" state c3
	assert_eq "crun from PATH" 0 "$status"
	argv_is state c3
	wrap_path "$bin" state c4
	assert_eq "none: status" 1 "$status"
	assert_contains "none" "$stderr" "find the real runtime: runc or crun in PATH"
}

@test "wrapper: never runs itself: its links in PATH skipped, itself refused, loops stopped" {
	local bin="$BATS_TEST_TMPDIR/bin" other="$BATS_TEST_TMPDIR/other" want
	mkdir -p "$bin"
	make_fake "$other/runc"
	# The wrapper installed as "runc" ahead of the real one, as some set containerd up.
	ln -s "$DF_RUNTIME" "$bin/runc"
	unset DOCKERFLY_RUNTIME
	wrap_path "$bin:$other" state c1
	assert_eq "own link skipped" 0 "$status"
	argv_is state c1

	wrap_path "$bin" state c1
	assert_eq "only itself: status" 1 "$status"
	assert_contains "only itself" "$stderr" "only dockerfly-runtime itself is there"

	DOCKERFLY_RUNTIME="$bin/runc" wrap state c1
	assert_eq "explicit self: status" 1 "$status"
	want="dockerfly-runtime: real runtime '$bin/runc' (from DOCKERFLY_RUNTIME) is "
	assert_eq "explicit self" "${want}dockerfly-runtime itself; name the real runc or crun" \
		"$stderr"

	# A real runtime that comes back to the wrapper is stopped on its second entry.
	printf '#!/bin/sh\nexec "%s" "$@"\n' "$DF_RUNTIME" >"$other/loop"
	chmod +x "$other/loop"
	DOCKERFLY_RUNTIME="$other/loop" timeout 10 "$DF_RUNTIME" state c1 2>"$BATS_TEST_TMPDIR/err" &&
		flunk "a loop succeeded"
	assert_contains "loop" "$(cat "$BATS_TEST_TMPDIR/err")" "started again by the real runtime"

	DOCKERFLY_RUNTIME=relative/runc wrap state c1
	assert_eq "relative: status" 1 "$status"
	assert_contains "relative" "$stderr" "not an absolute path"
}

@test "wrapper: the hook path: env, then runtime.conf, then the installed default" {
	local b="$BATS_TEST_TMPDIR/b" fakehook="$BATS_TEST_TMPDIR/hook/dockerfly-hook"
	mkdir -p "$(dirname "$fakehook")"
	cp "$DOCKERFLY_HOOK" "$fakehook"

	spec_bundle "$b" -e DOCKERFLY_PARENT=eth9
	printf 'hook=%s\n' "$fakehook" >"$DOCKERFLY_RUNTIME_CONF"
	DOCKERFLY_HOOK=$DOCKERFLY_HOOK wrap create -b "$b" c1
	assert_eq "env: status" 0 "$status"
	assert_eq "env" "$(expected_hooks "$DOCKERFLY_HOOK")" "$(dockerfly_hooks "$b/config.json")"

	rm -rf "$b"
	spec_bundle "$b" -e DOCKERFLY_PARENT=eth9
	DOCKERFLY_HOOK='' wrap create -b "$b" c1
	assert_eq "conf: status" 0 "$status"
	assert_eq "conf" "$(expected_hooks "$fakehook")" "$(dockerfly_hooks "$b/config.json")"

	rm -rf "$b" "$DOCKERFLY_RUNTIME_CONF"
	spec_bundle "$b" -e DOCKERFLY_PARENT=eth9
	DOCKERFLY_HOOK='' wrap create -b "$b" c1
	assert_eq "default: status" 0 "$status"
	assert_eq "default" "$(expected_hooks "$DF_PREFIX/libexec/dockerfly/dockerfly-hook")" \
		"$(dockerfly_hooks "$b/config.json")"
}

@test "wrapper: errors are one line naming the container; config.json stays as it was" {
	local b="$BATS_TEST_TMPDIR/b" want
	spec_bundle "$b" -e DOCKERFLY_PARENT=eth9
	cp -p "$b/config.json" "$BATS_TEST_TMPDIR/orig.json"

	DOCKERFLY_HOOK=/nonexistent/dockerfly-hook wrap create -b "$b" c1
	assert_eq "missing hook: status" 1 "$status"
	want="dockerfly-runtime: container c1: hook /nonexistent/dockerfly-hook (from DOCKERFLY_HOOK)"
	assert_eq "missing hook" "$want: No such file or directory" "$stderr"

	DOCKERFLY_HOOK=relative/dockerfly-hook wrap create -b "$b" c1
	assert_eq "relative hook: status" 1 "$status"
	assert_contains "relative hook" "$stderr" "not an absolute path"

	printf 'runtime=%s\nruntime=x\n' "$DOCKERFLY_RUNTIME" >"$DOCKERFLY_RUNTIME_CONF"
	wrap create -b "$b" c1
	assert_eq "conf twice: status" 1 "$status"
	assert_eq "conf twice" \
		"dockerfly-runtime: $DOCKERFLY_RUNTIME_CONF:2: 'runtime' given twice" "$stderr"
	printf 'runtim=x\n' >"$DOCKERFLY_RUNTIME_CONF"
	wrap state c1
	assert_eq "unknown key" "dockerfly-runtime: $DOCKERFLY_RUNTIME_CONF:1: unknown key 'runtim'" \
		"$stderr"
	rm "$DOCKERFLY_RUNTIME_CONF"

	jq '.hooks = "bad"' "$BATS_TEST_TMPDIR/orig.json" >"$b/config.json"
	cp -p "$b/config.json" "$BATS_TEST_TMPDIR/bad.json"
	wrap create -b "$b" c1
	assert_eq "bad hooks: status" 1 "$status"
	assert_eq "bad hooks" \
		"dockerfly-runtime: container c1: add hooks in $b: config.json: 'hooks' is not an object" \
		"$stderr"
	cmp "$BATS_TEST_TMPDIR/bad.json" "$b/config.json"

	[ ! -e "$FAKE_OUT/argv" ] || flunk "the real runtime ran after a refusal"
}

@test "wrapper: a bundle it cannot write to: refused with the kernel's reason, nothing run" {
	local b="$BATS_TEST_TMPDIR/b"
	spec_bundle "$b" -e DOCKERFLY_PARENT=eth9
	cp -p "$b/config.json" "$BATS_TEST_TMPDIR/orig.json"
	mount --bind "$b" "$b"
	echo "$b" >"$BATS_TEST_TMPDIR/mounted"
	mount -o remount,bind,ro "$b"

	wrap create -b "$b" c1
	assert_eq status 1 "$status"
	assert_eq stderr \
		"dockerfly-runtime: container c1: create a temporary file in $b: Read-only file system" \
		"$stderr"
	cmp "$BATS_TEST_TMPDIR/orig.json" "$b/config.json"
	[ ! -e "$FAKE_OUT/argv" ] || flunk "the real runtime ran after a refusal"
}

# wrapped_lan_container RUNTIME HOST: the wrapper in front of a real runtime, a container at
# .HOST on the lab LAN (each test its own address: see on_lan in tests/lib/engines.bash).
wrapped_lan_container() {
	local real=$1 host=$2 id b
	id=$(ctr_id "$real")
	b="$BATS_TEST_TMPDIR/$id"
	make_bundle "$b" --no-hooks "dockerfly.parent=$LAB_PARENT" "dockerfly.ip=$LAB_NET4.$host/24" \
		"dockerfly.gateway=$LAB_GW4" -- sh -c "$(serve_cmd)"
	# serve_cmd writes to /tmp.
	jq '.root.readonly = false' "$b/config.json" >"$b/c.new"
	mv "$b/c.new" "$b/config.json"
	DOCKERFLY_RUNTIME=$real "$DF_RUNTIME" --root "$BATS_FILE_TMPDIR/rt-$real" create \
		--bundle "$b" --pid-file "$BATS_TEST_TMPDIR/pid" "$id" </dev/null >"$b.log" 2>&1 3>&- ||
		flunk "create through the wrapper failed: $(cat "$b.log")"
	record_netns "$(cat "$BATS_TEST_TMPDIR/pid")"
	DOCKERFLY_RUNTIME=$real "$DF_RUNTIME" --root "$BATS_FILE_TMPDIR/rt-$real" start "$id"
	wait_until 50 peer_gets "$LAB_NET4.$host"
	assert_eq "default route" "lan0 $LAB_GW4" "$(default_route "$(cat "$BATS_TEST_TMPDIR/pid")")"
	DOCKERFLY_RUNTIME=$real "$DF_RUNTIME" --root "$BATS_FILE_TMPDIR/rt-$real" delete --force "$id"
	assert_eq "containers left" "" "$("$real" --root "$BATS_FILE_TMPDIR/rt-$real" list -q)"
}

@test "wrapper over real runc: the container is on the LAN" {
	unset DOCKERFLY_RUNTIME_CONF
	wrapped_lan_container runc 10
}

@test "wrapper over real crun: the container is on the LAN" {
	command -v crun >/dev/null || skip "crun is not installed"
	ensure_hugetlb_v1
	unset DOCKERFLY_RUNTIME_CONF
	wrapped_lan_container crun 11
}
