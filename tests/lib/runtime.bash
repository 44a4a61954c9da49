# shellcheck shell=bash
# Containers through a real OCI runtime (runc or crun), each file with its own state root so
# files running in parallel never see each other's containers.

RUNTIME=${RUNTIME:-runc}

rt() {
	"$RUNTIME" --root "$BATS_FILE_TMPDIR/rt-$RUNTIME" "$@"
}

# use_runtime NAME: pick the runtime for the rest of the file (call in setup_file).
use_runtime() {
	RUNTIME=$1
	export RUNTIME
	[ "$RUNTIME" != crun ] || ensure_hugetlb_v1
}

# crun refuses a hybrid cgroup setup while the v2 tree holds a controller; on this machine
# that is hugetlb, so give it a v1 hierarchy. Only on hybrid hosts (tmpfs at /sys/fs/cgroup).
ensure_hugetlb_v1() {
	local dir=/sys/fs/cgroup/hugetlb
	[ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || return 0
	mountpoint -q "$dir" && return 0
	mkdir -p "$dir"
	mount -t cgroup -o hugetlb cgroup "$dir"
}

# ctr_id WORD: a container id unique to this file run (cgroup paths are global).
ctr_id() {
	printf '%s%s-%s' "$DFT_NUM" "$DFT_PID" "$1"
}

# ctr_start ID BUNDLE: create and start a detached container. Its stdio and the runtime's own
# output go to $BATS_TEST_TMPDIR/ID.log, shown when create fails.
ctr_start() {
	local id=$1 bundle=$2 log="$BATS_TEST_TMPDIR/$1.log"
	if ! rt create --bundle "$bundle" --pid-file "$BATS_TEST_TMPDIR/$id.pid" "$id" \
		</dev/null >"$log" 2>&1 3>&-; then
		cat "$log" >&2
		flunk "$RUNTIME create $id failed"
	fi
	record_netns "$(cat "$BATS_TEST_TMPDIR/$id.pid")"
	rt start "$id" </dev/null 3>&-
}

ctr_pid() {
	rt state "$1" | jq -er .pid
}

# ctr_exec ID CMD...: run CMD inside the container (busybox tools).
ctr_exec() {
	local id=$1
	shift
	rt exec "$id" "$@" </dev/null 3>&-
}

# ctr_ns ID CMD...: run a host tool in the container's network namespace only.
ctr_ns() {
	local pid
	pid=$(ctr_pid "$1") || return 1
	shift
	nsenter -t "$pid" -n "$@"
}

ctr_delete() {
	rt delete --force "$1" </dev/null 3>&-
}

# Delete every container left in this file's state roots, whatever runtime made it.
delete_all_containers() {
	local root runtime id rc=0
	for root in "$BATS_FILE_TMPDIR"/rt-*; do
		[ -d "$root" ] || continue
		runtime=${root##*/rt-}
		for id in $("$runtime" --root "$root" list -q 2>/dev/null); do
			"$runtime" --root "$root" delete --force "$id" </dev/null 3>&- || rc=1
		done
	done
	return "$rc"
}

# containers_left: ids still known to this file's runtimes.
containers_left() {
	local root
	for root in "$BATS_FILE_TMPDIR"/rt-*; do
		[ -d "$root" ] || continue
		"${root##*/rt-}" --root "$root" list -q 2>/dev/null
	done
}
