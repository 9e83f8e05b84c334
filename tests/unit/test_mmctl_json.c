/* SPDX-License-Identifier: MIT */
/*
 * test_mmctl_json.c - mmctl's parsers of real kernel files for --input
 * (client/mmctl_json.c) on exact kernel-format text and on every kind of bad
 * line: a good report gives exactly the JSON expected, a bad one gives NULL
 * with the number of the line at fault, and nothing leaks either way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client/mmctl.h"

/* The parser's JSON, compact, compared with want; the document freed. */
static void assert_json(report_to_json_fn parse, const char *text,
			const char *want)
{
	char why[160] = "";
	json_object *doc = parse(text, why, sizeof(why));

	if (!doc)
		fail_msg("parse failed: %s", why);
	assert_string_equal(
		json_object_to_json_string_ext(
			doc, JSON_C_TO_STRING_PLAIN |
				     JSON_C_TO_STRING_NOSLASHESCAPE),
		want);
	json_object_put(doc);
}

/* The parser refuses text, naming the line (why starts with it). */
static void assert_refused(report_to_json_fn parse, const char *text,
			   const char *why_starts)
{
	char why[160] = "";

	assert_null(parse(text, why, sizeof(why)));
	assert_memory_equal(why, why_starts, strlen(why_starts));
}

static void test_meminfo(void **state)
{
	(void)state;
	assert_json(meminfo_to_json,
		    "MemTotal:        4111936 kB\nActive(anon):          0 kB\n"
		    "HugePages_Total:       0\n",
		    "{\"mem_total\":4111936,\"active_anon\":0,"
		    "\"huge_pages_total\":0}");
	assert_json(meminfo_to_json,
		    "SReclaimable: 1 kB\nNFS_Unstable: 2 kB\n"
		    "Committed_AS: 3 kB\nDirectMap2M: 4 kB\n",
		    "{\"s_reclaimable\":1,\"nfs_unstable\":2,"
		    "\"committed_as\":3,\"direct_map2m\":4}");
	assert_json(meminfo_to_json, "", "{}");
	assert_refused(meminfo_to_json, "MemTotal: 1 kB\nMemFree 2 kB\n",
		       "line 2: no 'Key:'");
	assert_refused(meminfo_to_json, "MemTotal: 1 MB\n", "line 1: not");
	assert_refused(meminfo_to_json, "MemTotal: x kB\n",
		       "line 1: 'x' is not a number");
	assert_refused(meminfo_to_json, "MemTotal: -1 kB\n",
		       "line 1: '-1' is not a number");
	assert_refused(meminfo_to_json, ": 1 kB\n", "line 1: no 'Key:'");
}

static void test_buddyinfo(void **state)
{
	(void)state;
	assert_json(buddyinfo_to_json,
		    "Node 0, zone      DMA      0      3      1 \n",
		    "[{\"node\":0,\"zone\":\"DMA\",\"free\":[0,3,1]}]");
	assert_refused(buddyinfo_to_json, "Node 0, zone DMA 1 x\n",
		       "line 1: 'x' is not a count");
	assert_refused(buddyinfo_to_json, "Node 0, zone DMA\n",
		       "line 1: no free counts");
	assert_refused(buddyinfo_to_json, "Nod 0, zone DMA 1\n",
		       "line 1: not 'Node N, zone NAME ...'");
}

static void test_extfrag(void **state)
{
	(void)state;
	assert_json(extfrag_to_json,
		    "Node 0, zone    DMA32 -1.000  0.499 1.000 \n",
		    "[{\"node\":0,\"zone\":\"DMA32\",\"index\":[-1000,499,"
		    "1000]}]");
	assert_refused(extfrag_to_json, "Node 0, zone DMA 0.5\n",
		       "line 1: '0.5' is not an index");
	assert_refused(extfrag_to_json, "Node 0, zone DMA 1.000x\n",
		       "line 1: '1.000x' is not an index");
	assert_refused(extfrag_to_json, "Node 0, zone DMA\n",
		       "line 1: no indices");
	assert_refused(extfrag_to_json, "Zone DMA 1.000\n",
		       "line 1: not 'Node N, zone NAME ...'");
}

static void test_pagetypeinfo(void **state)
{
	(void)state;
	assert_json(
		pagetypeinfo_to_json,
		"Page block order: 9\n"
		"Pages per block:  512\n"
		"\n"
		"Free pages count per migrate type at order      0      1 \n"
		"Node    0, zone      DMA, type    Unmovable      1 >100000 \n"
		"\n"
		"Number of blocks type     Unmovable      Movable \n"
		"Node 0, zone      DMA            1            7 \n",
		"{\"free\":[{\"node\":0,\"zone\":\"DMA\",\"type\":"
		"\"Unmovable\",\"free\":[1,100000]}],\"blocks\":[{"
		"\"node\":0,\"zone\":\"DMA\",\"Unmovable\":1,"
		"\"Movable\":7}],\"pageblock_order\":9,"
		"\"pages_per_block\":512}");
	assert_refused(pagetypeinfo_to_json,
		       "Node    0, zone DMA, type Movable 1 x\n",
		       "line 1: 'x' is not a count");
	assert_refused(pagetypeinfo_to_json, "Node 0, zone DMA 1\n",
		       "line 1: not a pagetypeinfo line");
	assert_refused(pagetypeinfo_to_json,
		       "Number of blocks type     Unmovable      Movable \n"
		       "Node 0, zone      DMA            1 \n",
		       "line 2: not one count per type");
}

static void test_zoneinfo(void **state)
{
	(void)state;
	assert_json(
		zoneinfo_to_json,
		"Node 0, zone      DMA\n  per-node stats\n"
		"      nr_kernel_stack 8\n  pages free     3984\n"
		"        min      7\n        protection: (0, 3040)\n"
		"      nr_free_pages 3984\n  pagesets\n    cpu: 0\n"
		"              count: 2\n  vm stats threshold: 0\n"
		"  node_unreclaimable:  0\n  start_pfn:           1\n"
		"Node 0, zone  Movable\n  pages free     0\n"
		"        protection: (0, 0)\n",
		"[{\"node\":0,\"zone\":\"DMA\",\"per_node_stats\":"
		"{\"nr_kernel_stack\":8},\"pages\":{\"free\":3984,\"min\":7,"
		"\"protection\":[0,3040]},\"stats\":{\"nr_free_pages\":"
		"3984},\"pagesets\":[{\"cpu\":0,\"count\":2,"
		"\"vm_stats_threshold\":0}],\"node_unreclaimable\":0,"
		"\"start_pfn\":1},{\"node\":0,\"zone\":\"Movable\","
		"\"pages\":{\"free\":0,\"protection\":[0,0]},\"stats\":{}}]");
	assert_refused(zoneinfo_to_json, "  pages free 1\n",
		       "line 1: before any 'Node N, zone'");
	assert_refused(zoneinfo_to_json,
		       "Node 0, zone DMA\n  pages free 1\n        min x\n",
		       "line 3: unknown zoneinfo line");
	assert_refused(zoneinfo_to_json,
		       "Node 0, zone DMA\n  pages free 1\n"
		       "        protection: 0, 1\n",
		       "line 3: unknown zoneinfo line");
}

static void test_vmstat(void **state)
{
	(void)state;
	assert_json(vmstat_to_json, "nr_free_pages 63411\nnr_dirtied -2\n",
		    "{\"nr_free_pages\":63411,\"nr_dirtied\":-2}");
	assert_refused(vmstat_to_json, "nr_free_pages\n",
		       "line 1: not 'name value'");
	assert_refused(vmstat_to_json, "a 1\nb 1 2\n",
		       "line 2: not 'name value'");
	assert_refused(vmstat_to_json, "a 1x\n", "line 1: '1x' is not");
}

static const char slab_head[] =
	"slabinfo - version: 2.1\n# name            <active_objs> "
	"<num_objs> <objsize> <objperslab> <pagesperslab> : tunables "
	"<limit> <batchcount> <sharedfactor> : slabdata <active_slabs> "
	"<num_slabs> <sharedavail>\n";

static void test_slabinfo(void **state)
{
	char text[1024];

	(void)state;
	snprintf(text, sizeof(text), "%s%s", slab_head,
		 "kmalloc-8 1 512 8 512 1 : tunables 0 0 0 : slabdata 1 1 0\n");
	assert_json(slabinfo_to_json, text,
		    "{\"version\":\"2.1\",\"caches\":[{\"name\":\"kmalloc-8\","
		    "\"active_objs\":1,\"num_objs\":512,\"objsize\":8,"
		    "\"objperslab\":512,\"pagesperslab\":1,\"limit\":0,"
		    "\"batchcount\":0,\"sharedfactor\":0,\"active_slabs\":1,"
		    "\"num_slabs\":1,\"sharedavail\":0}]}");
	snprintf(text, sizeof(text), "%s%s", slab_head,
		 "kmalloc-8 1 512 8 512 1 : tunables 0 0 0 : slabdata 1 1\n");
	assert_refused(slabinfo_to_json, text,
		       "line 3: 11 columns, the header has 12");
	snprintf(text, sizeof(text), "%s%s", slab_head,
		 "kmalloc-8 1 z 8 512 1 : tunables 0 0 0 : slabdata 1 1 0\n");
	assert_refused(slabinfo_to_json, text, "line 3: 'z' is not a number");
	assert_refused(slabinfo_to_json, "slabinfo - version: 2.1\n# x\n",
		       "line 2: not the '# name");
	assert_refused(slabinfo_to_json, "slabinfo 2.1\n", "line 1: not");
	assert_refused(slabinfo_to_json, "", "line 0: not");
}

static void test_vmallocinfo(void **state)
{
	(void)state;
	assert_json(vmallocinfo_to_json,
		    "0xffffc90000000000-0xffffc90000005000   20480 vmalloc "
		    "pid=1 pages=4 vmalloc N0=4\n"
		    "0xf8800000-0xf8802000    8192 ioremap pid=2 "
		    "phys=0xe0000000 ioremap\n",
		    "[{\"start\":\"0xffffc90000000000\",\"end\":"
		    "\"0xffffc90000005000\",\"size\":20480,\"caller\":"
		    "\"vmalloc\",\"pid\":1,\"pages\":4,\"flags\":[\"vmalloc\"],"
		    "\"nodes\":{\"N0\":4}},{\"start\":\"0xf8800000\",\"end\":"
		    "\"0xf8802000\",\"size\":8192,\"caller\":\"ioremap\","
		    "\"pid\":2,\"phys\":\"0xe0000000\",\"flags\":[\"ioremap\"],"
		    "\"nodes\":{}}]");
	assert_refused(vmallocinfo_to_json, "0x1-0x2 4096\n", "line 1: not");
	assert_refused(vmallocinfo_to_json, "0x1 4096 x\n", "line 1: not");
	assert_refused(vmallocinfo_to_json, "0x1-0x2 4k x\n", "line 1: not");
	assert_refused(vmallocinfo_to_json, "0x1-0x2 4096 x pages=y\n",
		       "line 1: bad value in 'pages=y'");
}

static void test_media_mem(void **state)
{
	(void)state;
	assert_json(
		media_mem_to_json,
		"+---ZONE: PHYS(0x10000000, 0x1BFFFFFF), GFP=0, "
		"nBYTES=196608KB,    NAME=\"anonymous\" USED=1024KB\n"
		"   |-MMB: phys(0x10000000, 0x100FFFFF), kvirt=0xD0000000, "
		"flags=0x00000000, length=1024KB,    name=\"ex\" owner=3\n"
		"---MMZ_USE_INFO:\n total size=196608KB(192MB),used=1024KB"
		"(1MB + 0KB),remain=195584KB(191MB + 0KB),zone_number=1,"
		"block_number=1\n",
		"{\"zones\":[{\"name\":\"anonymous\",\"phys_start\":"
		"\"0x10000000\",\"phys_end\":\"0x1BFFFFFF\",\"gfp\":0,"
		"\"size_kb\":196608,\"used_kb\":1024,\"blocks\":[{\"name\":"
		"\"ex\","
		"\"phys_start\":\"0x10000000\",\"phys_end\":\"0x100FFFFF\","
		"\"kvirt\":\"0xD0000000\",\"flags\":\"0x00000000\","
		"\"length_kb\":1024,\"owner\":3}]}],\"usage\":{\"total_kb\":"
		"196608,\"used_kb\":1024,\"remain_kb\":195584,"
		"\"zone_number\":1,\"block_number\":1}}");
	assert_refused(media_mem_to_json, "---MMZ_USE_INFO:\n",
		       "line 1: no usage line");
	assert_refused(media_mem_to_json, "+---ZONE: PHYS(0x1)\n",
		       "line 1: not a ZONE line");
	/* The vendor's line, without the zone's use, is not ours. */
	assert_refused(media_mem_to_json,
		       "+---ZONE: PHYS(0x10000000, 0x1BFFFFFF), GFP=0, "
		       "nBYTES=196608KB,    NAME=\"anonymous\"\n",
		       "line 1: not a ZONE line");
	/* USED= counts only after the name, whatever the name holds. */
	assert_refused(media_mem_to_json,
		       "+---ZONE: PHYS(0x10000000, 0x1BFFFFFF), GFP=0, "
		       "nBYTES=196608KB,    NAME=\"a USED=1KB\" USED=x\n",
		       "line 1: not a ZONE line");
	assert_refused(media_mem_to_json, "hello\n",
		       "line 1: unknown media-mem line");
	assert_refused(media_mem_to_json, "---MMZ_USE_INFO:\n total size=1KB\n",
		       "line 2: not the usage line");
}

/*
 * A real /proc/PID/status: every key in snake_case, as mmd's Status; a
 * hex mask (Cpus_allowed "3") and an octal one (Umask) stay strings.
 */
static void test_status(void **state)
{
	(void)state;
	assert_json(status_to_json,
		    "Name:\tmmc\nPid:\t5\nPPid:\t1\nVmRSS:\t  16 kB\n"
		    "Umask:\t0022\nCpus_allowed:\t3\nNStgid:\t5\n",
		    "{\"name\":\"mmc\",\"pid\":5,\"p_pid\":1,\"vm_rss\":16,"
		    "\"umask\":\"0022\",\"cpus_allowed\":\"3\","
		    "\"n_stgid\":5}");
	assert_refused(status_to_json, "Name mmc\n", "line 1: no 'Key:'");
}

/* nodeN/meminfo in the shape of mmd's data; numa_maps's lines by their
 * keys. */
static void test_numa_reports(void **state)
{
	(void)state;
	assert_json(node_meminfo_to_json,
		    "Node 1 MemTotal:        1015808 kB\n"
		    "Node 1 Active(anon):          4 kB\n",
		    "{\"node\":1,\"mem_total\":1015808,\"active_anon\":4}");
	assert_refused(node_meminfo_to_json, "Node 1 MemTotal 1 kB\n",
		       "line 1: not 'Node N Key: value kB'");
	assert_refused(node_meminfo_to_json, "Node x MemTotal: 1 kB\n",
		       "line 1: 'x' is not a node");
	assert_refused(node_meminfo_to_json, "Node 1 MemTotal: y kB\n",
		       "line 1: 'y' is not a number");
	assert_json(numa_maps_to_json,
		    "7ffff7fbf000 interleave:0-1 anon=32 N0=16 N1=16\n",
		    "[{\"address\":\"7ffff7fbf000\",\"policy\":"
		    "\"interleave:0-1\",\"anon\":32,\"N0\":16,\"N1\":16}]");
}

static void test_long_line(void **state)
{
	static char text[3000];

	(void)state;
	memset(text, 'a', sizeof(text) - 2);
	text[sizeof(text) - 2] = '\n';
	assert_refused(vmstat_to_json, text, "line 1: line too long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_buddyinfo),
		cmocka_unit_test(test_extfrag),
		cmocka_unit_test(test_pagetypeinfo),
		cmocka_unit_test(test_zoneinfo),
		cmocka_unit_test(test_vmstat),
		cmocka_unit_test(test_slabinfo),
		cmocka_unit_test(test_vmallocinfo),
		cmocka_unit_test(test_media_mem),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_numa_reports),
		cmocka_unit_test(test_long_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
