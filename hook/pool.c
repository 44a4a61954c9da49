// SPDX-License-Identifier: BSD-2-Clause
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>

#include "conf.h"
#include "files.h"
#include "json.h"
#include "pool.h"
#include "util.h"

#define POOL_MAX_RESERVED 64
#define POOL_MAX_LEASES	  4096
/* How long an address found in use on the LAN stays out of the pool. */
#define TAKEN_SECONDS 600

struct pool_def {
	struct df_prefix subnet;
	uint32_t first, last; /* host order */
	struct df_addr gateway;
	bool has_gateway;
	uint32_t reserved[POOL_MAX_RESERVED];
	unsigned int n_reserved;
	char parent[IFNAMSIZ];
};

struct lease {
	uint32_t addr; /* host order */
	char id[129];  /* "-": held by someone on the LAN */
	long pid;
	unsigned long long start; /* the pid's start time, or for "-" when it expires */
};

struct leases {
	struct lease v[POOL_MAX_LEASES];
	unsigned int n;
};

static uint32_t v4(const struct df_addr *a)
{
	uint32_t x;

	memcpy(&x, a->bytes, 4);
	return ntohl(x);
}

static int parse_v4(const char *s, uint32_t *out, struct df_err *e)
{
	struct df_addr a;
	int r = parse_gateway(s, &a, e);

	if (r == 0 && a.family != AF_INET)
		r = df_invalid(e, "'%s' is not an IPv4 address", s);
	if (r == 0)
		*out = v4(&a);
	return r;
}

static int add_reserved(const char *item, void *data, struct df_err *e)
{
	struct pool_def *d = data;

	if (d->n_reserved == POOL_MAX_RESERVED)
		return df_invalid(e, "more than %d reserved addresses", POOL_MAX_RESERVED);
	return parse_v4(item, &d->reserved[d->n_reserved++], e);
}

static int set_range(struct pool_def *d, char *value, struct df_err *e)
{
	char *dash = strchr(value, '-'), *a = value, *b;
	int r;

	if (!dash)
		return df_invalid(e, "range '%s' (write FIRST - LAST)", value);
	*dash = '\0';
	b = dash + 1;
	while (*b == ' ')
		b++;
	a[strcspn(a, " ")] = '\0';
	r = parse_v4(a, &d->first, e);
	if (r == 0)
		r = parse_v4(b, &d->last, e);
	if (r == 0 && d->first > d->last)
		r = df_invalid(e, "range starts after it ends");
	return r;
}

static int set_subnet(struct pool_def *d, const char *value, struct df_err *e)
{
	struct df_route rt;
	int r = parse_route(value, &rt, e);

	if (r < 0)
		return r;
	if (rt.dst.addr.family != AF_INET || rt.has_via || rt.dst.len > 30)
		return df_invalid(e, "subnet '%s' is not an IPv4 network of 4 addresses or more",
				  value);
	d->subnet = rt.dst;
	return 0;
}

static int def_set(void *data, const char *key, char *value, int line, struct df_err *e)
{
	(void)line;
	struct pool_def *d = data;

	if (!strcmp(key, "subnet"))
		return set_subnet(d, value, e);
	if (!strcmp(key, "range"))
		return set_range(d, value, e);
	if (!strcmp(key, "gateway")) {
		d->has_gateway = true;
		return parse_gateway(value, &d->gateway, e);
	}
	if (!strcmp(key, "reserved"))
		return parse_list(value, add_reserved, d, e) < 0 ? -EINVAL : 0;
	if (!strcmp(key, "parent"))
		return parse_ifname(value, d->parent, e);
	return df_invalid(e, "unknown key '%s'", key);
}

static int def_load(const char *name, struct pool_def *d, struct df_err *e)
{
	const char *dir = getenv("DOCKERFLY_POOLS_DIR");
	char path[600];
	uint32_t net, mask;
	int r;

	memset(d, 0, sizeof(*d));
	if (!safe_name(name))
		return df_invalid(e, "bad pool name '%s'", name);
	snprintf(path, sizeof(path), "%s/%s", dir && *dir ? dir : DF_POOLS_DIR, name);
	r = kv_load(path, false, def_set, d, e);
	if (r < 0)
		return r;
	if (!d->subnet.len)
		return df_invalid(e, "pool %s: no subnet", name);
	net = v4(&d->subnet.addr);
	mask = ~0u << (32 - d->subnet.len);
	if (!d->first) {
		/* The whole subnet but its network and broadcast addresses. */
		d->first = net + 1;
		d->last = (net | ~mask) - 1;
	}
	if ((d->first & mask) != net || (d->last & mask) != net)
		return df_invalid(e, "pool %s: range is outside the subnet", name);
	/* /31 and /32 have no network and broadcast address; the pool requires /30 or larger. */
	if (d->first == net || d->last == (net | ~mask))
		return df_invalid(
			e, "pool %s: range holds the subnet's network or broadcast address", name);
	return 0;
}

/* Is lease @l still held: its container's init runs, or its LAN hold has not expired? */
static bool held(const struct lease *l)
{
	if (!strcmp(l->id, "-"))
		return (unsigned long long)time(NULL) < l->start;
	return l->pid > 0 && proc_start_time(l->pid) == l->start;
}

/* Split "ADDR ID PID START" into @addr and @l; numbers in decimal, nothing after them. */
static bool lease_line(char *line, char addr[16], struct lease *l)
{
	char *f[4], *save = NULL, *end;
	int n = 0;

	for (char *t = strtok_r(line, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
		if (n == 4)
			return false;
		f[n++] = t;
	}
	if (n != 4 || strlen(f[0]) > 15 || strlen(f[1]) >= sizeof(l->id))
		return false;
	strcpy(addr, f[0]);
	strcpy(l->id, f[1]);
	errno = 0;
	l->pid = strtol(f[2], &end, 10);
	if (*end || errno || l->pid < 0)
		return false;
	l->start = strtoull(f[3], &end, 10);
	return !*end && !errno && f[3][0] != '-';
}

static int leases_read(const char *path, struct leases *ls, struct df_err *e)
{
	_cleanup_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	_cleanup_free_ char *text = NULL;
	char *line, *next;
	size_t len;
	int r;

	ls->n = 0;
	if (fd < 0)
		return errno == ENOENT ? 0 : df_fail(e, errno, "open %s", path);
	r = read_all(fd, 1 << 20, path, &text, &len, e);
	if (r < 0)
		return r;
	for (line = text; line && *line; line = next) {
		struct lease *l = &ls->v[ls->n];
		char addr[16];
		struct df_addr a;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (ls->n == POOL_MAX_LEASES)
			return df_invalid(e, "%s: too many leases", path);
		if (!lease_line(line, addr, l) || parse_gateway(addr, &a, e) < 0 ||
		    a.family != AF_INET)
			return df_invalid(e, "%s: bad line '%s'", path, line);
		l->addr = v4(&a);
		ls->n++;
	}
	return 0;
}

/* Write the leases @ls back, atomically. */
static int leases_write(const char *path, const struct leases *ls, struct df_err *e)
{
	/* The longest line: 15 + 128 + 20 + 20 characters, three blanks and a newline. */
	size_t size = (size_t)ls->n * 192 + 1;
	_cleanup_free_ char *text = malloc(size);
	const char *fault = getenv("DOCKERFLY_TEST_FAULT");
	size_t o = 0;

	if (!text)
		return df_fail(e, ENOMEM, "write %s", path);
	text[0] = '\0';
	for (unsigned int i = 0; i < ls->n; i++) {
		struct in_addr in = {htonl(ls->v[i].addr)};
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &in, a, sizeof(a));
		o += (size_t)snprintf(text + o, size - o, "%s %s %ld %llu\n", a, ls->v[i].id,
				      ls->v[i].pid, ls->v[i].start);
	}
	/* Fault injection for the tests: die half way through writing the new file. */
	if (fault && !strcmp(fault, "pool-write")) {
		char tmp[640];
		int fd;

		snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid());
		fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		if (fd >= 0 && write(fd, text, o / 2) >= 0)
			kill(getpid(), SIGKILL);
	}
	return write_atomic(path, text, o, 0600, true, e);
}

/* Remove temporary files that a killed writer left beside @path. */
static void sweep_temps(const char *path)
{
	char dir[600], prefix[600];
	const char *base = strrchr(path, '/');
	DIR *d;
	struct dirent *de;

	snprintf(dir, sizeof(dir), "%.*s", (int)(base - path), path);
	snprintf(prefix, sizeof(prefix), "%s.tmp.", base + 1);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, prefix, strlen(prefix)))
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

/*
 * Lock pool @name and read its leases, dropping those no longer held (@dropped tells whether
 * any was). Returns the lock fd.
 */
static int pool_open(const char *name, char *path, size_t size, struct leases *ls, bool *dropped,
		     struct df_err *e)
{
	char lock[600];
	static struct leases all;
	int fd, r;

	r = state_path(lock, sizeof(lock), "pools", name, ".lock", e);
	if (r == 0)
		r = state_path(path, size, "pools", name, ".leases", e);
	if (r < 0)
		return r;
	fd = lock_file(lock, e);
	if (fd < 0)
		return fd;
	sweep_temps(path);
	r = leases_read(path, &all, e);
	if (r < 0) {
		close(fd);
		return r;
	}
	ls->n = 0;
	for (unsigned int i = 0; i < all.n; i++) {
		if (held(&all.v[i]))
			ls->v[ls->n++] = all.v[i];
	}
	*dropped = ls->n != all.n;
	return fd;
}

static bool in_use(const struct pool_def *d, const struct leases *ls, uint32_t a)
{
	for (unsigned int i = 0; i < d->n_reserved; i++) {
		if (d->reserved[i] == a)
			return true;
	}
	if (d->has_gateway && v4(&d->gateway) == a)
		return true;
	for (unsigned int i = 0; i < ls->n; i++) {
		if (ls->v[i].addr == a)
			return true;
	}
	return false;
}

static void fill_lease(const struct pool_def *d, uint32_t a, struct pool_lease *out)
{
	uint32_t be = htonl(a);

	memset(out, 0, sizeof(*out));
	out->addr.addr.family = AF_INET;
	memcpy(out->addr.addr.bytes, &be, 4);
	out->addr.len = d->subnet.len;
	out->gateway = d->gateway;
	out->has_gateway = d->has_gateway;
}

static int pick(const struct pool_def *d, struct leases *ls, const char *id, pid_t pid,
		struct pool_lease *out, struct df_err *e)
{
	struct lease *l;

	for (unsigned int i = 0; i < ls->n; i++) {
		/* Asked again for the same container (the hook run twice): the same address. */
		if (!strcmp(ls->v[i].id, id)) {
			fill_lease(d, ls->v[i].addr, out);
			return 0;
		}
	}
	if (ls->n == POOL_MAX_LEASES)
		return df_fail(e, ENOSPC, "pool is full");
	for (uint32_t a = d->first;; a++) {
		if (!in_use(d, ls, a)) {
			l = &ls->v[ls->n++];
			l->addr = a;
			snprintf(l->id, sizeof(l->id), "%s", id);
			l->pid = pid;
			l->start = proc_start_time(pid);
			fill_lease(d, a, out);
			return 1;
		}
		if (a == d->last)
			return df_fail(e, ENOSPC, "pool is exhausted");
	}
}

int pool_allocate(const char *name, const char *parent, const char *id, pid_t pid,
		  struct pool_lease *out, struct df_err *e)
{
	char path[600];
	struct pool_def d;
	static struct leases ls;
	_cleanup_fd_ int lock = -1;
	bool dropped;
	int r;

	r = def_load(name, &d, e);
	if (r == 0 && d.parent[0] && strcmp(d.parent, parent))
		r = df_invalid(e, "pool %s is for parent %s, not %s", name, d.parent, parent);
	if (r < 0)
		return r;
	if (!proc_start_time(pid))
		return df_fail(e, ESRCH, "pool %s: container pid %d", name, (int)pid);
	if (strlen(id) >= sizeof(ls.v[0].id))
		return df_invalid(e, "pool %s: container id longer than %zu characters", name,
				  sizeof(ls.v[0].id) - 1);
	lock = pool_open(name, path, sizeof(path), &ls, &dropped, e);
	if (lock < 0)
		return lock;
	r = pick(&d, &ls, id, pid, out, e);
	if (r < 0)
		return df_err_prefix(e, "pool %s", name);
	return leases_write(path, &ls, e);
}

/* Rewrite pool @name with @id's lease dropped, or, with @taken, held for the LAN instead. */
static int pool_drop(const char *name, const char *id, bool taken, struct df_err *e)
{
	char path[600];
	static struct leases ls;
	_cleanup_fd_ int lock = -1;
	bool changed = false;

	/* At poststop the init is gone: its lease was dropped as dead already, and written out. */
	lock = pool_open(name, path, sizeof(path), &ls, &changed, e);
	if (lock < 0)
		return lock;
	for (unsigned int i = 0; i < ls.n; i++) {
		struct lease *l = &ls.v[i];

		if (strcmp(l->id, id))
			continue;
		changed = true;
		if (taken) {
			strcpy(l->id, "-");
			l->pid = 0;
			l->start = (unsigned long long)time(NULL) + TAKEN_SECONDS;
		} else {
			*l = ls.v[--ls.n];
			i--;
		}
	}
	return changed ? leases_write(path, &ls, e) : 0;
}

int pool_mark_taken(const char *name, const char *id, struct df_err *e)
{
	return pool_drop(name, id, true, e);
}

int pool_release(const char *name, const char *id, struct df_err *e)
{
	if (!safe_name(name))
		return 0;
	return pool_drop(name, id, false, e);
}
