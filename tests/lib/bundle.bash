# shellcheck shell=bash
# Minimal OCI bundles: a busybox-static rootfs and a config.json from "runc spec".

BUSYBOX=${BUSYBOX:-/bin/busybox}

# One rootfs per file, copied into each bundle (cheaper than ~400 symlinks per bundle).
base_rootfs() {
	local root="$BATS_FILE_TMPDIR/rootfs" applet
	[ -x "$root/bin/busybox" ] && return 0
	[ -x "$BUSYBOX" ] || flunk "no $BUSYBOX: install busybox-static"
	# A dynamic busybox would need a libc in the rootfs.
	if ldd "$BUSYBOX" >/dev/null 2>&1; then
		flunk "$BUSYBOX is dynamically linked: install busybox-static"
	fi
	rm -rf "$root.tmp"
	mkdir -p "$root.tmp"/{bin,dev,etc,proc,sys,tmp,www}
	cp "$BUSYBOX" "$root.tmp/bin/busybox"
	for applet in $("$BUSYBOX" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root.tmp/bin/$applet"
	done
	echo "root:x:0:0:root:/:/bin/sh" >"$root.tmp/etc/passwd"
	echo "root:x:0:" >"$root.tmp/etc/group"
	echo "dockerfly-container" >"$root.tmp/www/index.html"
	mv "$root.tmp" "$root"
}

# json_array ARG...: the args as a JSON array of strings. (Not jq --args: jq would take an
# argument such as "-c" as its own option.)
json_array() {
	if [ $# -eq 0 ]; then
		echo '[]'
		return
	fi
	# Each element gets a leading "x" so that an empty one survives the split.
	printf 'x%s\0' "$@" | jq -Rsc '[split("\u0000")[] | select(length > 0) | .[1:]]'
}

# json_object KEY=VALUE...: the pairs as a JSON object (a value may hold "=").
json_object() {
	json_array "$@" | jq -c 'map((index("=")) as $i | {key: .[:$i], value: .[$i + 1:]})
		| from_entries'
}

# make_bundle DIR [--no-hooks] [-e VAR=VALUE]... [KEY=VALUE]... [-- CMD [ARG...]]
#   KEY=VALUE   annotation in config.json
#   -e          extra process.env entry
#   --no-hooks  no dockerfly hook (for tests that call the hook by hand)
#   CMD         the container's process; default: sleep
# The container is non-terminal, has its own network namespace and CAP_NET_RAW (for ping).
# The hooks carry a timeout so that a hook that hangs fails the test instead of the suite.
make_bundle() {
	local dir=$1 hooks=true
	local -a env=() ann=() args=()
	shift
	while [ $# -gt 0 ]; do
		case $1 in
		--no-hooks) hooks=false ;;
		-e) env+=("$2"); shift ;;
		--) shift; args=("$@"); break ;;
		*=*) ann+=("$1") ;;
		*) flunk "make_bundle: bad argument \"$1\""; return 1 ;;
		esac
		shift
	done
	[ ${#args[@]} -gt 0 ] || args=(sleep 100000)

	base_rootfs
	mkdir -p "$dir"
	cp -a "$BATS_FILE_TMPDIR/rootfs" "$dir/rootfs"
	rm -f "$dir/config.json"
	runc spec --bundle "$dir"
	jq --arg hook "$DOCKERFLY_HOOK" --argjson hooks "$hooks" \
		--argjson args "$(json_array "${args[@]}")" \
		--argjson env "$(json_array "${env[@]}")" \
		--argjson ann "$(json_object "${ann[@]}")" '
		.process.terminal = false
		| .process.args = $args
		| .process.env += $env
		| .process.capabilities |= map_values(. + ["CAP_NET_RAW"] | unique)
		| if any(.linux.namespaces[]; .type == "network") then .
		  else .linux.namespaces += [{type: "network"}] end
		| .annotations = (.annotations // {}) + $ann
		| if $hooks then .hooks = {
			prestart: [{path: $hook, args: ["dockerfly-hook", "prestart"], timeout: 60}],
			poststop: [{path: $hook, args: ["dockerfly-hook", "poststop"], timeout: 60}]}
		  else del(.hooks) end
		' "$dir/config.json" >"$dir/config.json.new"
	mv "$dir/config.json.new" "$dir/config.json"
}

# hook_state ID PID BUNDLE [KEY=VALUE...]: an OCI state document for direct hook calls.
hook_state() {
	local id=$1 pid=$2 bundle=$3
	shift 3
	jq -nc --arg id "$id" --argjson pid "$pid" --arg bundle "$bundle" \
		--argjson ann "$(json_object "$@")" '
		{ociVersion: "1.0.2", id: $id, status: "creating", pid: $pid, bundle: $bundle}
		+ (if $ann == {} then {} else {annotations: $ann} end)'
}
