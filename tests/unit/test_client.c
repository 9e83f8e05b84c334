/* SPDX-License-Identifier: MIT */
/*
 * test_client.c - libmmclient without a daemon: its GFP values are the
 * kernel's (they cross the wire), connect failures say why with the
 * right errno, the socket path comes from the argument, then
 * $MMD_SOCKET, and a daemon that hangs up mid-call gives an error, not
 * a hang. Calls against a real mmd are tested by tests/integration.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "client/mmclient.h"

/* Linux's values, from include/linux/gfp_types.h. */
static void test_gfp_values_are_the_kernels(void **state)
{
	(void)state;
	assert_int_equal(GFP_KERNEL, 0xcc0);
	assert_int_equal(GFP_ATOMIC, 0x820);
	assert_int_equal(GFP_NOWAIT, 0x2800);
	assert_int_equal(GFP_USER, 0x100cc0);
	assert_int_equal(GFP_HIGHUSER_MOVABLE, 0x100cca);
	assert_int_equal(__GFP_NOFAIL, 0x8000);
	assert_int_equal(__GFP_ZERO, 0x100);
	assert_int_equal(GFP_DMA, 0x1);
	assert_int_equal(GFP_DMA32, 0x4);
}

/*
 * The memory policy constants, as include/uapi/linux/mempolicy.h has
 * them (test_proto_constants includes core/mempolicy.h after this
 * header: the same spelling, or it would not compile).
 */
static void test_mpol_values_are_the_kernels(void **state)
{
	static const int modes[] = {
		MPOL_DEFAULT,
		MPOL_PREFERRED,
		MPOL_BIND,
		MPOL_INTERLEAVE,
		MPOL_LOCAL,
		MPOL_PREFERRED_MANY,
		MPOL_WEIGHTED_INTERLEAVE,
	};

	(void)state;
	for (int i = 0; i < 7; i++)
		assert_int_equal(modes[i], i);
	assert_int_equal(MPOL_F_STATIC_NODES, 0x8000);
	assert_int_equal(MPOL_F_RELATIVE_NODES, 0x4000);
	assert_int_equal(MPOL_F_NUMA_BALANCING, 0x2000);
	assert_int_equal(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED, 7);
	assert_int_equal(MPOL_F_ADDR, 2);
	assert_int_equal(MPOL_MF_STRICT, 1);
	assert_int_equal(MPOL_MF_MOVE, 2);
	assert_int_equal(MPOL_MF_MOVE_ALL, 4);
}

static void test_strerror(void **state)
{
	(void)state;
	assert_string_equal(mmc_strerror(-ENOMEM), strerror(ENOMEM));
	assert_string_equal(mmc_strerror(-EUSERS), strerror(EUSERS));
}

static void test_connect_nowhere(void **state)
{
	struct mmc *c = (struct mmc *)1;
	int err;

	(void)state;
	err = mmc_connect("/nonexistent/mmd.sock", NULL, &c);
	assert_int_equal(err, -ENOENT);
	assert_null(c);
	assert_string_equal(mmc_errmsg(NULL),
			    "cannot connect to mmd at /nonexistent/mmd.sock: "
			    "No such file or directory");
}

static void test_connect_path_too_long(void **state)
{
	char path[200];
	struct mmc *c;

	(void)state;
	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	assert_int_equal(mmc_connect(path, NULL, &c), -ENAMETOOLONG);
	assert_null(c);
}

static void test_connect_uses_mmd_socket(void **state)
{
	struct mmc *c;

	(void)state;
	setenv("MMD_SOCKET", "/nonexistent/from-env.sock", 1);
	assert_int_equal(mmc_connect(NULL, NULL, &c), -ENOENT);
	assert_non_null(strstr(mmc_errmsg(NULL), "/nonexistent/from-env"));
	unsetenv("MMD_SOCKET");
	assert_int_equal(mmc_connect(NULL, NULL, &c), -ENOENT);
	assert_non_null(strstr(mmc_errmsg(NULL), MMC_DEFAULT_SOCKET));
}

/* A "daemon" that accepts, then hangs up without a word. */
static void test_daemon_hangs_up(void **state)
{
	char path[] = "/tmp/mmc-test-XXXXXX";
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	struct mmc *c;
	int fd, err;

	(void)state;
	assert_non_null(mkdtemp(path));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(fd, 1), 0);
	if (fork() == 0) {
		close(accept(fd, NULL, NULL));
		_exit(0);
	}
	err = mmc_connect(sun.sun_path, NULL, &c);
	assert_true(err == -ECONNRESET || err == -EPIPE);
	assert_null(c);
	close(fd);
	unlink(sun.sun_path);
	rmdir(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gfp_values_are_the_kernels),
		cmocka_unit_test(test_mpol_values_are_the_kernels),
		cmocka_unit_test(test_strerror),
		cmocka_unit_test(test_connect_nowhere),
		cmocka_unit_test(test_connect_path_too_long),
		cmocka_unit_test(test_connect_uses_mmd_socket),
		cmocka_unit_test(test_daemon_hangs_up),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
