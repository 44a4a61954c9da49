// SPDX-License-Identifier: BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "addr.h"
#include "files.h"
#include "keeper.h"
#include "log.h"
#include "nl.h"
#include "route.h"
#include "util.h"

#define MAX_KEEP 16
/* One renewal attempt waits this long for its answer; a new lease after a NAK, longer. */
#define RENEW_WAIT_MS 2000
#define REDISCOVER_MS 10000

struct kept {
	struct keeper_nic n;
	int fd;
	long bound; /* when the last ACK came, ms */
	long retry; /* earliest next attempt after a failed one, ms */
	bool live;
};

static int pidfd_open_(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* When @k next needs attention, in ms. */
static long next_event(const struct kept *k)
{
	long t1 = k->bound + 1000L * k->n.lease.t1, t2 = k->bound + 1000L * k->n.lease.t2;
	long end = k->bound + 1000L * k->n.lease.lease, now = df_now_ms();

	if (now < t1)
		return t1;
	if (k->retry > now)
		return k->retry < end ? k->retry : end;
	return now < t2 || now < end ? now : end;
}

/* A new transaction id for each exchange, as RFC 2131 asks. */
static void new_xid(struct dhcp_client *c)
{
	if (getrandom(&c->xid, sizeof(c->xid), 0) != sizeof(c->xid))
		c->xid = (uint32_t)df_now_ms() * 2654435761u;
}

/* The new address's subnet route, made by the kernel, ACKs at once as the hook's did. */
static int quickack_subnet(struct nl *nl, int index, struct df_err *e)
{
	struct route_table t;
	int r = route_dump(nl, &t, e);

	if (r == 0)
		r = route_quickack_kernel(nl, &t, index, e);
	route_table_free(&t);
	return r;
}

/* After a NAK: a new lease from scratch, its address, and its router as default route. */
static void rediscover(struct kept *k, struct nl *nl)
{
	struct route_entry rt = {.oif = k->n.index, .has_gw = true, .quickack = k->n.quickack};
	struct df_err e;
	int r;

	new_xid(&k->n.client);
	r = dhcpc_acquire(k->fd, &k->n.client, REDISCOVER_MS, &k->n.lease, &e);
	if (r == 0)
		r = addr_add_lease(nl, k->n.index, &k->n.lease.addr, k->n.lease.lease, true, &e);
	if (r == 0 && k->n.quickack)
		r = quickack_subnet(nl, k->n.index, &e);
	if (r == 0 && k->n.use_router && k->n.lease.has_router) {
		rt.dst.addr.family = AF_INET;
		rt.gw = k->n.lease.router;
		r = route_add(nl, &rt, true, &e);
	}
	if (r < 0) {
		log_audit("%s: no new DHCP lease: %s", k->n.ifname, e.msg);
		k->live = false;
		return;
	}
	log_audit("%s: new DHCP lease after a NAK", k->n.ifname);
	k->bound = df_now_ms();
	k->retry = 0;
}

/* Renew (before T2) or rebind (after) one lease; on an ACK refresh the address's lifetime. */
static void renew(struct kept *k, struct nl *nl)
{
	long now = df_now_ms(), t2 = k->bound + 1000L * k->n.lease.t2;
	long end = k->bound + 1000L * k->n.lease.lease;
	struct df_err e;
	bool rebind = now >= t2;
	int r;

	if (now >= end) {
		log_audit("%s: DHCP lease expired; address removed", k->n.ifname);
		k->live = false;
		return;
	}
	new_xid(&k->n.client);
	r = dhcpc_renew(k->fd, &k->n.client, rebind, RENEW_WAIT_MS, &k->n.lease, &e);
	if (r == 0)
		r = addr_add_lease(nl, k->n.index, &k->n.lease.addr, k->n.lease.lease, true, &e);
	if (r == 0) {
		k->bound = df_now_ms();
		k->retry = 0;
		return;
	}
	/*
	 * A NAK: the server gave the address to someone else. Keeping it would make two
	 * holders: the address goes now, and the keeper starts over as a client does.
	 */
	if (r == -ECONNREFUSED) {
		addr_del(nl, k->n.index, &k->n.lease.addr, &e);
		log_audit("%s: DHCP server refused the lease (NAK); address removed", k->n.ifname);
		rediscover(k, nl);
		return;
	}
	/* RFC 2131 4.4.5: try again after half the time left, here at least a second. */
	k->retry = now + ((rebind ? end : t2) - now) / 2;
	if (k->retry < now + 1000)
		k->retry = now + 1000;
	log_audit("%s: DHCP %s failed: %s", k->n.ifname, rebind ? "rebind" : "renewal", e.msg);
}

static void release_all_leases(struct kept *k, unsigned int n)
{
	struct df_err e;

	for (unsigned int i = 0; i < n; i++) {
		if (k[i].live && dhcpc_release(k[i].fd, &k[i].n.client, &k[i].n.lease, &e) < 0)
			log_audit("%s: DHCP release failed: %s", k[i].n.ifname, e.msg);
	}
}

/* How long to sleep until @next (ms, monotonic); -1 (no event) means until woken. */
static int wait_for(long next)
{
	long left = next - df_now_ms();

	if (next < 0)
		return -1;
	return left > 0 ? (int)left : 0;
}

/* The keeper's life: renew on time; on the init's exit or SIGTERM, release and return. */
static void keep(struct kept *k, unsigned int n, int pidfd, int sigfd, struct nl *nl)
{
	struct pollfd pfd[2] = {{.fd = pidfd, .events = POLLIN}, {.fd = sigfd, .events = POLLIN}};

	for (;;) {
		long next = -1, now = df_now_ms();
		bool any = false;

		for (unsigned int i = 0; i < n; i++) {
			if (!k[i].live)
				continue;
			any = true;
			if (next_event(&k[i]) <= now)
				renew(&k[i], nl);
			if (k[i].live && (next < 0 || next_event(&k[i]) < next))
				next = next_event(&k[i]);
		}
		if (!any)
			return;
		if (poll(pfd, 2, wait_for(next)) > 0 && (pfd[0].revents || pfd[1].revents)) {
			release_all_leases(k, n);
			return;
		}
	}
}

/* In the keeper: everything but its own few descriptors goes; stdio leads to /dev/null. */
static int keeper_setup(int pidfd, int ready, int *sigfd)
{
	sigset_t set;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		return -1;
	/* Runtimes wait for every holder of a hook's stdout and stderr: hold none of them. */
	pidfd = fcntl(pidfd, F_DUPFD_CLOEXEC, 100);
	ready = fcntl(ready, F_DUPFD_CLOEXEC, 100);
	if (pidfd < 0 || ready < 0 || dup2(pidfd, 3) < 0 || dup2(ready, 4) < 0 ||
	    close_range(5, ~0U, 0) < 0)
		return -1;
	prctl(PR_SET_NAME, DF_KEEPER_NAME, 0, 0, 0);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	*sigfd = signalfd(-1, &set, SFD_CLOEXEC);
	return *sigfd < 0 ? -1 : 0;
}

static void keeper_main(const char *pidfile, const struct keeper_nic *nics, unsigned int n,
			int pidfd, int ready)
{
	/* keeper_setup() moves the two descriptors the keeper keeps to 3 and 4. */
	struct kept k[MAX_KEEP];
	char text[32];
	struct df_err e;
	struct nl nl;
	int sigfd, len;

	if (keeper_setup(pidfd, ready, &sigfd) < 0 || nl_open(&nl, &e) < 0)
		_exit(1);
	pidfd = 3;
	ready = 4;
	for (unsigned int i = 0; i < n; i++) {
		k[i] = (struct kept){.n = nics[i], .bound = df_now_ms(), .live = true};
		k[i].fd = dhcpc_open(nics[i].ifname, &e);
		if (k[i].fd < 0)
			_exit(1);
	}
	len = snprintf(text, sizeof(text), "%d\n", (int)getpid());
	if (write_atomic(pidfile, text, (size_t)len, 0600, false, &e) < 0 ||
	    write(ready, "1", 1) != 1)
		_exit(1);
	close(ready);

	keep(k, n, pidfd, sigfd, &nl);
	unlink(pidfile);
	_exit(0);
}

int keeper_start(const char *id, pid_t pid, const struct keeper_nic *nics, unsigned int n,
		 struct df_err *e)
{
	char pidfile[600], ok = 0;
	int pipefd[2], pidfd, r;
	pid_t child;

	if (n > MAX_KEEP)
		return df_invalid(e, "lease keeper: too many DHCP NICs");
	r = run_path(pidfile, sizeof(pidfile), "keepers", id, ".pid", e);
	if (r < 0)
		return r;
	pidfd = pidfd_open_(pid);
	if (pidfd < 0)
		return df_fail(e, errno, "lease keeper: watch pid %d", (int)pid);
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		close(pidfd);
		return df_fail(e, errno, "lease keeper: pipe");
	}
	child = fork();
	if (child == 0) {
		close(pipefd[0]);
		/* Its own session, and orphaned at once: the runtime must not wait for it. */
		if (setsid() < 0 || fork() != 0)
			_exit(0);
		keeper_main(pidfile, nics, n, pidfd, pipefd[1]);
	}
	close(pipefd[1]);
	close(pidfd);
	if (child < 0) {
		close(pipefd[0]);
		return df_fail(e, errno, "lease keeper: fork");
	}
	waitpid(child, NULL, 0);
	while ((r = (int)read(pipefd[0], &ok, 1)) < 0 && errno == EINTR)
		;
	close(pipefd[0]);
	if (r != 1)
		return df_fail(e, EIO, "lease keeper did not start");
	log_debug("lease keeper started for %u NIC(s)", n);
	return 0;
}

/* The pid in @pidfile, if it names a running keeper. */
static pid_t read_keeper(const char *pidfile)
{
	char buf[32], comm[64], path[64];
	_cleanup_fd_ int fd = open(pidfile, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_fd_ int cfd = -1;
	ssize_t len;
	long pid;

	if (fd < 0 || (len = read(fd, buf, sizeof(buf) - 1)) <= 0)
		return 0;
	buf[len] = '\0';
	pid = strtol(buf, NULL, 10);
	if (pid <= 1)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	cfd = open(path, O_RDONLY | O_CLOEXEC);
	if (cfd < 0 || (len = read(cfd, comm, sizeof(comm) - 1)) <= 0)
		return 0;
	comm[len] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
	return strcmp(comm, DF_KEEPER_NAME) ? 0 : (pid_t)pid;
}

bool keeper_running(const char *id)
{
	char pidfile[600];
	struct df_err e;

	return run_path(pidfile, sizeof(pidfile), "keepers", id, ".pid", &e) == 0 &&
	       read_keeper(pidfile) != 0;
}

int keeper_stop(const char *id, struct df_err *e)
{
	char pidfile[600];
	struct pollfd pfd = {.events = POLLIN};
	pid_t pid;
	int r;

	r = run_path(pidfile, sizeof(pidfile), "keepers", id, ".pid", e);
	if (r < 0)
		return r;
	pid = read_keeper(pidfile);
	if (!pid) {
		unlink(pidfile);
		return 0;
	}
	pfd.fd = pidfd_open_(pid);
	if (pfd.fd < 0)
		return errno == ESRCH ? 0 : df_fail(e, errno, "lease keeper %d", (int)pid);
	/* It releases its leases on SIGTERM; give it the time of one DHCP round trip. */
	kill(pid, SIGTERM);
	if (poll(&pfd, 1, 2000) <= 0) {
		kill(pid, SIGKILL);
		poll(&pfd, 1, 1000);
	}
	close(pfd.fd);
	unlink(pidfile);
	log_debug("lease keeper %d stopped", (int)pid);
	return 0;
}
