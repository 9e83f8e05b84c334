/* SPDX-License-Identifier: MIT */
/*
 * mmctl_page.c - mmctl's views of struct page: kpageflags, kpagecount,
 * page-types (tools/mm/page-types.c's summary), dump-page, page-owner
 * and the slab cache attributes of /sys/kernel/slab/<cache>/.
 *
 * Owns: reading the machine's page flags in chunks a reply holds and
 * printing them as Linux's tools do. Must never: ask for more than one
 * reply at a time, or reach mmd but through libmmclient.
 */
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "client/mmctl.h"

/* page-types.c's page_flag_names, by KPF bit: a symbol and a name. */
static const char *const page_flag_names[64] = {
	[0] = "L:locked",
	[1] = "E:error",
	[2] = "R:referenced",
	[3] = "U:uptodate",
	[4] = "D:dirty",
	[5] = "l:lru",
	[6] = "A:active",
	[7] = "S:slab",
	[8] = "W:writeback",
	[9] = "I:reclaim",
	[10] = "B:buddy",
	[11] = "M:mmap",
	[12] = "a:anonymous",
	[13] = "s:swapcache",
	[14] = "b:swapbacked",
	[15] = "H:compound_head",
	[16] = "T:compound_tail",
	[17] = "G:huge",
	[18] = "u:unevictable",
	[19] = "X:hwpoison",
	[20] = "n:nopage",
	[21] = "x:ksm",
	[22] = "t:thp",
	[23] = "o:offline",
	[24] = "z:zero_page",
	[25] = "i:idle_page",
	[26] = "g:pgtable",
	[32] = "r:reserved",
	[33] = "m:mlocked",
	[34] = "d:owner_2",
	[35] = "P:private",
	[36] = "p:private_2",
	[37] = "O:owner_private",
	[38] = "h:arch",
	[40] = "f:softdirty",
	[41] = "H:arch_2",
	[47] = "d:anon_exclusive",
	[48] = "I:readahead",
	[50] = "A:slub_frozen",
	[51] = "E:slub_debug",
	[61] = "F:file",
	[62] = "w:swap",
	[63] = "1:mmap_exclusive",
};

#define KPF_HACKERS_BITS (0xffffULL << 32)
#define BITS_COMPOUND	 ((1ULL << 15) | (1ULL << 16))
#define KPF_HUGE_BIT	 (1ULL << 17)

/* What page-types shows without -r: no kernel-hacking bits. */
static uint64_t well_known_flags(uint64_t flags)
{
	flags &= ~KPF_HACKERS_BITS;
	if ((flags & BITS_COMPOUND) && !(flags & KPF_HUGE_BIT))
		flags &= ~BITS_COMPOUND;
	return flags;
}

static void page_flag_name(uint64_t flags, char *buf)
{
	int j = 0;

	for (int i = 0; i < 64; i++)
		if (page_flag_names[i])
			buf[j++] =
				(flags >> i) & 1 ? page_flag_names[i][0] : '_';
	buf[j] = '\0';
}

static void page_flag_longname(uint64_t flags, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; i < 64 && n < len; i++)
		if (page_flag_names[i] && ((flags >> i) & 1))
			n += (size_t)snprintf(buf + n, len - n, "%s,",
					      page_flag_names[i] + 2);
	if (n && n <= len)
		buf[n - 1] = '\0';
}

/* The distinct flag words seen, and how many pages had each. */
struct page_types {
	uint64_t *flags;
	unsigned long *pages;
	size_t nr, cap;
	unsigned long total;
};

static int count_flags(struct page_types *pt, uint64_t flags)
{
	size_t i;

	pt->total++;
	for (i = 0; i < pt->nr && pt->flags[i] != flags; i++)
		;
	if (i < pt->nr) {
		pt->pages[i]++;
		return 0;
	}
	if (pt->nr == pt->cap) {
		size_t cap = pt->cap ? 2 * pt->cap : 64;
		uint64_t *f = realloc(pt->flags, cap * sizeof(*f));
		unsigned long *p =
			f ? realloc(pt->pages, cap * sizeof(*p)) : NULL;

		if (f)
			pt->flags = f;
		if (!p)
			return -ENOMEM;
		pt->pages = p;
		pt->cap = cap;
	}
	pt->flags[pt->nr] = flags;
	pt->pages[pt->nr++] = 1;
	return 0;
}

/* show_summary: one line per flag word, in the order first seen. */
static void show_summary(const struct page_types *pt, unsigned int page_size)
{
	char name[65], longname[1024];
	unsigned int shift = 20;

	while (page_size > 1 && shift) {
		page_size >>= 1;
		shift--;
	}
	printf("             flags\tpage-count       MB"
	       "  symbolic-flags\t\t\tlong-symbolic-flags\n");
	for (size_t i = 0; i < pt->nr; i++) {
		page_flag_name(pt->flags[i], name);
		page_flag_longname(pt->flags[i], longname, sizeof(longname));
		printf("0x%016llx\t%10lu %8lu  %s\t%s\n",
		       (unsigned long long)pt->flags[i], pt->pages[i],
		       pt->pages[i] >> shift, name, longname);
	}
	printf("             total\t%10lu %8lu\n", pt->total,
	       pt->total >> shift);
}

static int add_entries(struct page_types *pt, const uint64_t *buf, size_t n,
		       bool raw)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t f = le64toh(buf[i]);

		if (count_flags(pt, raw ? f : well_known_flags(f)))
			return -ENOMEM;
	}
	return 0;
}

/* page-types -F FILE: a kpageflags file, the host's /proc one too. */
static int types_of_file(const char *path, struct page_types *pt, bool raw)
{
	FILE *f = fopen(path, "rb");
	uint64_t buf[4096];
	size_t n;
	int err = 0;

	if (!f)
		return -errno;
	while (!err && (n = fread(buf, 8, 4096, f)) > 0)
		err = add_entries(pt, buf, n, raw);
	if (!err && ferror(f))
		err = -EIO;
	fclose(f);
	return err;
}

/* The machine's kpageflags, a reply's worth at a time, to its end. */
static int types_of_machine(struct mmctl *ctl, struct page_types *pt, bool raw)
{
	struct mmc *c = mmctl_connect(ctl);
	size_t chunk = (mmc_info(c)->max_frame_bytes - 64) / 8, n;
	uint64_t *buf = malloc(chunk * 8), pfn = 0;
	int err = buf ? 0 : -ENOMEM;

	while (!err) {
		err = mmc_kpageflags(c, pfn, chunk, buf, &n);
		if (err == -EINVAL && pfn)
			err = 0; /* past the end of RAM: the read is done */
		if (err || !n)
			break;
		err = add_entries(pt, buf, n, raw);
		pfn += n;
		if (n < chunk)
			break;
	}
	free(buf);
	return err;
}

static const struct option page_types_options[] = {
	{"raw", no_argument, NULL, 'r'},
	{"kpageflags", required_argument, NULL, 'F'},
	{NULL, 0, NULL, 0},
};

int cmd_page_types(struct mmctl *ctl, int argc, char **argv)
{
	struct page_types pt = {0};
	const char *file = NULL;
	bool raw = false;
	int c, err;

	optind = 0;
	while ((c = mmctl_getopt(ctl, argc, argv, "rF:", page_types_options)) !=
	       -1) {
		if (c == 'r')
			raw = true;
		else if (c == 'F')
			file = optarg;
		else
			return EXIT_USAGE;
	}
	if (optind < argc)
		return mmctl_usage_error(argv[0], "unknown argument '%s'",
					 argv[optind]);
	err = file ? types_of_file(file, &pt, raw)
		   : types_of_machine(ctl, &pt, raw);
	if (!err)
		show_summary(&pt,
			     file ? 4096
				  : mmc_info(mmctl_connect(ctl))->page_size);
	free(pt.flags);
	free(pt.pages);
	if (err && file) {
		fprintf(stderr, "mmctl: %s: %s\n", file, strerror(-err));
		return EXIT_DAEMON;
	}
	return err ? mmctl_daemon_error(ctl, "page-types", err) : 0;
}

/* PFN [N]: N entries from PFN, 1 when N is not given. */
static int parse_range(int argc, char **argv, unsigned long long *pfn,
		       unsigned long long *n)
{
	*n = 1;
	if (argc < 2 || argc > 3)
		return mmctl_usage_error(argv[0],
					 "%s needs a PFN and "
					 "perhaps a count",
					 argv[0]);
	if (mmctl_parse_u64(argv[1], pfn))
		return mmctl_usage_error(argv[0], "'%s' is not a pfn", argv[1]);
	if (argc == 3 &&
	    (mmctl_parse_u64(argv[2], n) || !*n || *n > (1ULL << 20)))
		return mmctl_usage_error(argv[0],
					 "'%s' is not a count from "
					 "1 to 1048576",
					 argv[2]);
	return 0;
}

/*
 * kpageflags PFN [N] and kpagecount PFN [N]: a line per pfn, the pfn and
 * the entry (flags also by name, as page-types -r names them).
 */
static int show_kpage(struct mmctl *ctl, int argc, char **argv, bool flags)
{
	unsigned long long pfn, n;
	struct mmc *c;
	size_t chunk, got;
	uint64_t *buf;
	int err = parse_range(argc, argv, &pfn, &n);

	if (err)
		return err;
	c = mmctl_connect(ctl);
	chunk = (mmc_info(c)->max_frame_bytes - 64) / 8;
	buf = malloc((n < chunk ? n : chunk) * 8);
	if (!buf)
		return mmctl_daemon_error(ctl, argv[0], -ENOMEM);
	while (!err && n) {
		size_t want = n < chunk ? (size_t)n : chunk;

		err = flags ? mmc_kpageflags(c, pfn, want, buf, &got)
			    : mmc_kpagecount(c, pfn, want, buf, &got);
		for (size_t i = 0; !err && i < got; i++) {
			uint64_t v = le64toh(buf[i]);
			char longname[1024];

			page_flag_longname(v, longname, sizeof(longname));
			printf(flags ? "0x%llx\t0x%016llx\t%s\n"
				     : "0x%llx\t%llu\n",
			       pfn + i, (unsigned long long)v, longname);
		}
		n = got < want ? 0 : n - got;
		pfn += got;
	}
	free(buf);
	return err ? mmctl_daemon_error(ctl, argv[0], err) : 0;
}

int cmd_kpageflags(struct mmctl *ctl, int argc, char **argv)
{
	return show_kpage(ctl, argc, argv, true);
}

int cmd_kpagecount(struct mmctl *ctl, int argc, char **argv)
{
	return show_kpage(ctl, argc, argv, false);
}

static int print_text(struct mmctl *ctl, const char *what, int err, char *text)
{
	if (err)
		return mmctl_daemon_error(ctl, what, err);
	fputs(text, stdout);
	free(text);
	return 0;
}

/* A report about a pfn (or the machine: pfn 0) as its data's JSON. */
static int print_data(struct mmctl *ctl, const char *what, enum mmc_report kind,
		      uint64_t pfn)
{
	void *buf = NULL;
	size_t len = 0;
	int err = mmc_report_data_at(mmctl_connect(ctl), kind, 0, pfn, &buf,
				     &len);

	if (err)
		return mmctl_daemon_error(ctl, what, err);
	err = mmctl_print_report_data(ctl, what, buf, len);
	free(buf);
	return err;
}

int cmd_dump_page(struct mmctl *ctl, int argc, char **argv)
{
	unsigned long long pfn;
	char *text = NULL;
	int err;

	if (argc != 2)
		return mmctl_usage_error(argv[0], "dump-page needs one PFN");
	if (mmctl_parse_u64(argv[1], &pfn))
		return mmctl_usage_error(argv[0], "'%s' is not a pfn", argv[1]);
	if (ctl->json)
		return print_data(ctl, "dump-page", MMC_REPORT_DUMP_PAGE, pfn);
	err = mmc_report_at(mmctl_connect(ctl), MMC_REPORT_DUMP_PAGE, 0, 0, pfn,
			    &text);
	return print_text(ctl, "dump-page", err, text);
}

int cmd_page_owners(struct mmctl *ctl, int argc, char **argv)
{
	unsigned long long pfn;
	char *text = NULL;
	int err;

	if (argc != 2)
		return mmctl_usage_error(argv[0], "page-owners needs one PFN");
	if (mmctl_parse_u64(argv[1], &pfn))
		return mmctl_usage_error(argv[0], "'%s' is not a pfn", argv[1]);
	if (ctl->json)
		return print_data(ctl, "page-owners", MMC_REPORT_PAGE_OWNERS,
				  pfn);
	err = mmc_page_owners(mmctl_connect(ctl), (unsigned long)pfn, &text);
	return print_text(ctl, "page-owners", err, text);
}

int cmd_page_owner(struct mmctl *ctl, int argc, char **argv)
{
	char *text = NULL;
	int err;

	if (argc != 1)
		return mmctl_usage_error(argv[0], "page-owner takes no "
						  "arguments");
	if (ctl->json)
		return print_data(ctl, "page-owner", MMC_REPORT_PAGE_OWNER, 0);
	err = mmc_report(mmctl_connect(ctl), MMC_REPORT_PAGE_OWNER, &text);
	return print_text(ctl, "page-owner", err, text);
}

int cmd_slab(struct mmctl *ctl, int argc, char **argv)
{
	char *text = NULL;
	int err;

	if (argc != 2)
		return mmctl_usage_error(argv[0], "slab needs one CACHE name");
	err = mmc_slab_sysfs(mmctl_connect(ctl), argv[1], &text);
	return print_text(ctl, "slab", err, text);
}

/* One pagemap entry as text: what pagemap.rst says each bit means. */
static void pagemap_line(uint64_t addr, uint64_t e)
{
	printf("0x%llx\t0x%016llx", (unsigned long long)addr,
	       (unsigned long long)e);
	if (e & MMC_PM_PRESENT)
		printf("\tpresent pfn 0x%llx",
		       (unsigned long long)(e & MMC_PM_PFRAME_MASK));
	else if (e & MMC_PM_GUARD_REGION)
		printf("\tguard region");
	else if (e & MMC_PM_SWAP)
		printf("\tswapped type %llu offset 0x%llx",
		       (unsigned long long)(e & 0x1f),
		       (unsigned long long)((e & MMC_PM_PFRAME_MASK) >> 5));
	else
		printf("\tnone");
	printf("%s%s%s\n", e & MMC_PM_MMAP_EXCLUSIVE ? " exclusive" : "",
	       e & MMC_PM_FILE ? " file/shared" : "",
	       e & MMC_PM_SOFT_DIRTY ? " soft-dirty" : "");
}

static json_object *pagemap_json(uint64_t addr, uint64_t e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "addr", json_object_new_uint64(addr));
	json_object_object_add(o, "entry", json_object_new_uint64(e));
	json_object_object_add(o, "present",
			       json_object_new_boolean(!!(e & MMC_PM_PRESENT)));
	json_object_object_add(o, "swapped",
			       json_object_new_boolean(!!(e & MMC_PM_SWAP)));
	json_object_object_add(
		o, "guard",
		json_object_new_boolean(!!(e & MMC_PM_GUARD_REGION)));
	if (e & MMC_PM_PRESENT)
		json_object_object_add(
			o, "pfn",
			json_object_new_uint64(e & MMC_PM_PFRAME_MASK));
	if (e & MMC_PM_SWAP) {
		json_object_object_add(o, "swap_type",
				       json_object_new_uint64(e & 0x1f));
		json_object_object_add(
			o, "swap_offset",
			json_object_new_uint64((e & MMC_PM_PFRAME_MASK) >> 5));
	}
	json_object_object_add(
		o, "exclusive",
		json_object_new_boolean(!!(e & MMC_PM_MMAP_EXCLUSIVE)));
	json_object_object_add(o, "file",
			       json_object_new_boolean(!!(e & MMC_PM_FILE)));
	return o;
}

/* pagemap PID ADDR [PAGES]: a reply's worth of entries at a time. */
int cmd_pagemap(struct mmctl *ctl, int argc, char **argv)
{
	unsigned long long pid, addr, n = 1;
	json_object *doc = NULL;
	struct mmc *c;
	size_t chunk, got;
	uint64_t *buf, page;
	int err = 0;

	if (argc < 3 || argc > 4)
		return mmctl_usage_error(argv[0],
					 "pagemap needs PID ADDR [PAGES]");
	if (mmctl_parse_u64(argv[1], &pid) || pid > INT32_MAX)
		return mmctl_usage_error(argv[0], "'%s' is not a pid", argv[1]);
	if (mmctl_parse_u64(argv[2], &addr))
		return mmctl_usage_error(argv[0], "'%s' is not an address",
					 argv[2]);
	if (argc == 4 &&
	    (mmctl_parse_u64(argv[3], &n) || !n || n > (1ULL << 20)))
		return mmctl_usage_error(argv[0],
					 "'%s' is not a count from 1 to "
					 "1048576",
					 argv[3]);
	c = mmctl_connect(ctl);
	page = mmc_info(c)->page_size;
	addr &= ~(page - 1);
	chunk = (mmc_info(c)->max_frame_bytes - 64) / 8;
	buf = malloc((n < chunk ? n : chunk) * 8);
	if (!buf)
		return mmctl_daemon_error(ctl, argv[0], -ENOMEM);
	if (ctl->json)
		doc = json_object_new_array();
	while (!err && n) {
		size_t want = n < chunk ? (size_t)n : chunk;

		err = mmc_pagemap(c, (int)pid, addr, want, buf, &got);
		for (size_t i = 0; !err && i < got; i++, addr += page) {
			if (doc)
				json_object_array_add(
					doc, pagemap_json(addr, buf[i]));
			else
				pagemap_line(addr, buf[i]);
		}
		n = got < want ? 0 : n - got;
	}
	free(buf);
	if (!err && doc)
		mmctl_print_json(stdout, doc, true);
	json_object_put(doc);
	return err ? mmctl_daemon_error(ctl, argv[0], err) : 0;
}
