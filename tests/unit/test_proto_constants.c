/* SPDX-License-Identifier: MIT */
/*
 * test_proto_constants.c - the constants mm.proto names (errnos, GFP
 * bits and masks, PROT, MAP, MREMAP and MADV values, zone and migrate
 * types, report kinds) against the C headers mmd and libmmclient are
 * built from: every value of each enum has its C twin of the same
 * value, and every C constant listed has its value in the enum, so the
 * two can never drift apart.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include <cmocka.h>

#include "client/mmclient.h"
#include "core/gfp.h"
#include "core/huge_mm.h"
#include "core/layout.h"
#include "core/mm.h"
#include "core/mm_types.h"
#include "proto/mm.pb-c.h"

struct constant {
	const char *name; /* as mm.proto names it */
	long long value;  /* as C defines it */
};

#define C(proto_name, c_value)                                                 \
	{                                                                      \
#proto_name, (long long)(c_value)                              \
	}

/* Each C constant is in the enum with its value, and the enum has no
 * other values than these. */
static void same_values(const ProtobufCEnumDescriptor *e,
			const struct constant *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const ProtobufCEnumValue *v =
			protobuf_c_enum_descriptor_get_value_by_name(e,
								     c[i].name);

		if (!v)
			fail_msg("%s: no %s", e->name, c[i].name);
		if (v->value != c[i].value)
			fail_msg("%s.%s: %d in mm.proto, %lld in C", e->name,
				 c[i].name, v->value, c[i].value);
	}
	if (e->n_values != n)
		fail_msg("%s has %u values, the C list %zu", e->name,
			 e->n_values, n);
}

#define SAME(desc, list)                                                       \
	same_values(&desc, list, sizeof(list) / sizeof(list[0]))

static void test_errnos(void **state)
{
	static const struct constant c[] = {
		C(ERRNO_NONE, 0),
		C(EPERM, EPERM),
		C(ENOENT, ENOENT),
		C(ESRCH, ESRCH),
		C(EINTR, EINTR),
		C(EIO, EIO),
		C(ENXIO, ENXIO),
		C(E2BIG, E2BIG),
		C(EBADF, EBADF),
		C(EAGAIN, EAGAIN),
		C(ENOMEM, ENOMEM),
		C(EACCES, EACCES),
		C(EFAULT, EFAULT),
		C(EBUSY, EBUSY),
		C(EEXIST, EEXIST),
		C(ENOTDIR, ENOTDIR),
		C(EISDIR, EISDIR),
		C(EINVAL, EINVAL),
		C(EMFILE, EMFILE),
		C(EFBIG, EFBIG),
		C(ENOSPC, ENOSPC),
		C(ESPIPE, ESPIPE),
		C(EROFS, EROFS),
		C(ERANGE, ERANGE),
		C(EDEADLK, EDEADLK),
		C(ENAMETOOLONG, ENAMETOOLONG),
		C(ENOSYS, ENOSYS),
		C(EPROTO, EPROTO),
		C(EBADMSG, EBADMSG),
		C(EOVERFLOW, EOVERFLOW),
		C(EUSERS, EUSERS),
		C(EMSGSIZE, EMSGSIZE),
		C(EPROTONOSUPPORT, EPROTONOSUPPORT),
		C(EOPNOTSUPP, EOPNOTSUPP),
		C(EADDRINUSE, EADDRINUSE),
		C(ECONNABORTED, ECONNABORTED),
		C(ECONNRESET, ECONNRESET),
		C(EISCONN, EISCONN),
		C(ESHUTDOWN, ESHUTDOWN),
		C(ETIMEDOUT, ETIMEDOUT),
		C(EALREADY, EALREADY),
		C(EINPROGRESS, EINPROGRESS),
		C(EUCLEAN, EUCLEAN),
		C(EDQUOT, EDQUOT),
		C(ECANCELED, ECANCELED),
	};

	(void)state;
	SAME(mm__errno__descriptor, c);
}

static void test_gfp(void **state)
{
	static const struct constant bits[] = {
		C(GFP_BIT_NONE, 0),
		C(GFP_BIT_DMA, __GFP_DMA),
		C(GFP_BIT_HIGHMEM, __GFP_HIGHMEM),
		C(GFP_BIT_DMA32, __GFP_DMA32),
		C(GFP_BIT_MOVABLE, __GFP_MOVABLE),
		C(GFP_BIT_RECLAIMABLE, __GFP_RECLAIMABLE),
		C(GFP_BIT_HIGH, __GFP_HIGH),
		C(GFP_BIT_IO, __GFP_IO),
		C(GFP_BIT_FS, __GFP_FS),
		C(GFP_BIT_ZERO, __GFP_ZERO),
		C(GFP_BIT_DIRECT_RECLAIM, __GFP_DIRECT_RECLAIM),
		C(GFP_BIT_KSWAPD_RECLAIM, __GFP_KSWAPD_RECLAIM),
		C(GFP_BIT_WRITE, __GFP_WRITE),
		C(GFP_BIT_NOWARN, __GFP_NOWARN),
		C(GFP_BIT_RETRY_MAYFAIL, __GFP_RETRY_MAYFAIL),
		C(GFP_BIT_NOFAIL, __GFP_NOFAIL),
		C(GFP_BIT_NORETRY, __GFP_NORETRY),
		C(GFP_BIT_MEMALLOC, __GFP_MEMALLOC),
		C(GFP_BIT_COMP, __GFP_COMP),
		C(GFP_BIT_NOMEMALLOC, __GFP_NOMEMALLOC),
		C(GFP_BIT_HARDWALL, __GFP_HARDWALL),
		C(GFP_BIT_THISNODE, __GFP_THISNODE),
		C(GFP_BIT_ACCOUNT, __GFP_ACCOUNT),
	};
	static const struct constant masks[] = {
		C(GFP_MASK_NONE, 0),
		C(GFP_ATOMIC, GFP_ATOMIC),
		C(GFP_KERNEL, GFP_KERNEL),
		C(GFP_KERNEL_ACCOUNT, GFP_KERNEL_ACCOUNT),
		C(GFP_NOWAIT, GFP_NOWAIT),
		C(GFP_NOIO, GFP_NOIO),
		C(GFP_NOFS, GFP_NOFS),
		C(GFP_USER, GFP_USER),
		C(GFP_DMA, GFP_DMA),
		C(GFP_DMA32, GFP_DMA32),
		C(GFP_HIGHUSER, GFP_HIGHUSER),
		C(GFP_HIGHUSER_MOVABLE, GFP_HIGHUSER_MOVABLE),
	};
	unsigned int i, all = 0;

	(void)state;
	SAME(mm__gfp_bit__descriptor, bits);
	SAME(mm__gfp_mask__descriptor, masks);
	for (i = 0; i < mm__gfp_bit__descriptor.n_values; i++)
		all |= (unsigned int)mm__gfp_bit__descriptor.values[i].value;
	assert_int_equal(all & ~__GFP_BITS_MASK, 0);
}

static void test_mman(void **state)
{
	static const struct constant prot[] = {
		C(PROT_NONE, PROT_NONE),
		C(PROT_READ, PROT_READ),
		C(PROT_WRITE, PROT_WRITE),
		C(PROT_EXEC, PROT_EXEC),
	};
	static const struct constant map[] = {
		C(MAP_FLAG_NONE, 0),
		C(MAP_SHARED, MAP_SHARED),
		C(MAP_PRIVATE, MAP_PRIVATE),
		C(MAP_FIXED, MAP_FIXED),
		C(MAP_ANONYMOUS, MAP_ANONYMOUS),
		C(MAP_GROWSDOWN, MAP_GROWSDOWN),
		C(MAP_NORESERVE, MAP_NORESERVE),
		C(MAP_POPULATE, MAP_POPULATE),
		C(MAP_HUGETLB, MAP_HUGETLB),
		C(MAP_FIXED_NOREPLACE, MAP_FIXED_NOREPLACE),
	};
	static const struct constant mremap[] = {
		C(MREMAP_NONE, 0),
		C(MREMAP_MAYMOVE, MREMAP_MAYMOVE),
		C(MREMAP_FIXED, MREMAP_FIXED),
		C(MREMAP_DONTUNMAP, MREMAP_DONTUNMAP),
	};
	/* The advice is the host's (Linux's), as madvise.c takes it;
	 * MADV_DONTNEED_LOCKED is 24 where headers lack it. */
	static const struct constant madv[] = {
		C(MADV_NORMAL, MADV_NORMAL),
		C(MADV_RANDOM, MADV_RANDOM),
		C(MADV_SEQUENTIAL, MADV_SEQUENTIAL),
		C(MADV_WILLNEED, MADV_WILLNEED),
		C(MADV_DONTNEED, MADV_DONTNEED),
		C(MADV_FREE, MADV_FREE),
		C(MADV_REMOVE, MADV_REMOVE),
		C(MADV_DONTFORK, MADV_DONTFORK),
		C(MADV_DOFORK, MADV_DOFORK),
		C(MADV_MERGEABLE, MADV_MERGEABLE),
		C(MADV_UNMERGEABLE, MADV_UNMERGEABLE),
		C(MADV_HUGEPAGE, MADV_HUGEPAGE),
		C(MADV_NOHUGEPAGE, MADV_NOHUGEPAGE),
		C(MADV_DONTDUMP, MADV_DONTDUMP),
		C(MADV_DODUMP, MADV_DODUMP),
		C(MADV_WIPEONFORK, MADV_WIPEONFORK),
		C(MADV_KEEPONFORK, MADV_KEEPONFORK),
		C(MADV_COLD, MADV_COLD),
		C(MADV_PAGEOUT, MADV_PAGEOUT),
		C(MADV_POPULATE_READ, MADV_POPULATE_READ),
		C(MADV_POPULATE_WRITE, MADV_POPULATE_WRITE),
		C(MADV_DONTNEED_LOCKED, 24),
	};

	(void)state;
	SAME(mm__prot__descriptor, prot);
	SAME(mm__map_flag__descriptor, map);
	SAME(mm__mremap_flag__descriptor, mremap);
	SAME(mm__madvise_advice__descriptor, madv);
}

static void test_zone_and_migrate_types(void **state)
{
	static const struct constant zones[] = {
		C(ZONE_DMA, ZONE_DMA),	       C(ZONE_DMA32, ZONE_DMA32),
		C(ZONE_NORMAL, ZONE_NORMAL),   C(ZONE_HIGHMEM, ZONE_HIGHMEM),
		C(ZONE_MOVABLE, ZONE_MOVABLE),
	};
	static const struct constant mt[] = {
		C(MIGRATE_UNMOVABLE, MIGRATE_UNMOVABLE),
		C(MIGRATE_MOVABLE, MIGRATE_MOVABLE),
		C(MIGRATE_RECLAIMABLE, MIGRATE_RECLAIMABLE),
		C(MIGRATE_HIGHATOMIC, MIGRATE_HIGHATOMIC),
		C(MIGRATE_CMA, MIGRATE_CMA),
		C(MIGRATE_ISOLATE, MIGRATE_ISOLATE),
	};

	(void)state;
	SAME(mm__zone_type__descriptor, zones);
	assert_int_equal(mm__zone_type__descriptor.n_values, MAX_NR_ZONES);
	SAME(mm__migrate_type__descriptor, mt);
	assert_int_equal(mm__migrate_type__descriptor.n_values, MIGRATE_TYPES);
}

/* libmmclient's enum mmc_report is mm.proto's ReportKind. */
static void test_report_kinds(void **state)
{
	static const struct constant kinds[] = {
		C(REPORT_UNSPECIFIED, 0),
		C(REPORT_MEMINFO, MMC_REPORT_MEMINFO),
		C(REPORT_BUDDYINFO, MMC_REPORT_BUDDYINFO),
		C(REPORT_ZONEINFO, MMC_REPORT_ZONEINFO),
		C(REPORT_VMSTAT, MMC_REPORT_VMSTAT),
		C(REPORT_SLABINFO, MMC_REPORT_SLABINFO),
		C(REPORT_VMALLOCINFO, MMC_REPORT_VMALLOCINFO),
		C(REPORT_MEDIA_MEM, MMC_REPORT_MEDIA_MEM),
		C(REPORT_DMESG, MMC_REPORT_DMESG),
		C(REPORT_STATUS, MMC_REPORT_STATUS),
		C(REPORT_PS, MMC_REPORT_PS),
		C(REPORT_FRAMES, MMC_REPORT_FRAMES),
		C(REPORT_MAPS, MMC_REPORT_MAPS),
		C(REPORT_PAGEWALK, MMC_REPORT_PAGEWALK),
		C(REPORT_TRANSLATE, MMC_REPORT_TRANSLATE),
		C(REPORT_MALLOC_STATS, MMC_REPORT_MALLOC_STATS),
		C(REPORT_PAGETYPEINFO, MMC_REPORT_PAGETYPEINFO),
		C(REPORT_EXTFRAG_INDEX, MMC_REPORT_EXTFRAG_INDEX),
		C(REPORT_UNUSABLE_INDEX, MMC_REPORT_UNUSABLE_INDEX),
		C(REPORT_PAGEBLOCKS, MMC_REPORT_PAGEBLOCKS),
		C(REPORT_LDT, MMC_REPORT_LDT),
		C(REPORT_SEGREGS, MMC_REPORT_SEGREGS),
		C(REPORT_VM_LAYOUT, MMC_REPORT_VM_LAYOUT),
		C(REPORT_DUMP_PAGE, MMC_REPORT_DUMP_PAGE),
		C(REPORT_PAGE_OWNER, MMC_REPORT_PAGE_OWNER),
		C(REPORT_PREEMPT, MMC_REPORT_PREEMPT),
		C(REPORT_PERCPU, MMC_REPORT_PERCPU),
		C(REPORT_GFP_CONTEXT, MMC_REPORT_GFP_CONTEXT),
		C(REPORT_FILES, MMC_REPORT_FILES),
		C(REPORT_SYSCTL, MMC_REPORT_SYSCTL),
		C(REPORT_PAGE_OWNERS, MMC_REPORT_PAGE_OWNERS),
		C(REPORT_MUTEXES, MMC_REPORT_MUTEXES),
		C(REPORT_TRANSPARENT_HUGEPAGE, MMC_REPORT_TRANSPARENT_HUGEPAGE),
		C(REPORT_NUMA_MAPS, MMC_REPORT_NUMA_MAPS),
		C(REPORT_NUMASTAT_PROCESS, MMC_REPORT_NUMASTAT_PROCESS),
		C(REPORT_NUMASTAT, MMC_REPORT_NUMASTAT),
		C(REPORT_NODE_MEMINFO, MMC_REPORT_NODE_MEMINFO),
		C(REPORT_NODE_VMSTAT, MMC_REPORT_NODE_VMSTAT),
		C(REPORT_CMA, MMC_REPORT_CMA),
		C(REPORT_SMAPS, MMC_REPORT_SMAPS),
		C(REPORT_SMAPS_ROLLUP, MMC_REPORT_SMAPS_ROLLUP),
	};

	(void)state;
	SAME(mm__report_kind__descriptor, kinds);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errnos),
		cmocka_unit_test(test_gfp),
		cmocka_unit_test(test_mman),
		cmocka_unit_test(test_zone_and_migrate_types),
		cmocka_unit_test(test_report_kinds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
