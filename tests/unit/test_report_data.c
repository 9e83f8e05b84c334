/* SPDX-License-Identifier: MIT */
/*
 * test_report_data.c - the structured reports: each kind's snapshot
 * table (core) against its mm.proto message, both ways, and the text
 * printed from the same snapshot the data comes from.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/api.h"
#include "daemon/server.h"
#include "tests/unit/machines.h"

/* Every structured kind: ReportData has a field of its number, of the
 * message its table names, and every field of each agrees. */
static void test_tables_match_the_messages(void **state)
{
	unsigned int kind, n = 0;
	char why[160];

	(void)state;
	for (kind = 0; kind < report_data_nr_kinds(); kind++) {
		const struct report_type *t = report_data_type(kind);
		const ProtobufCFieldDescriptor *f;

		if (!t)
			continue;
		f = protobuf_c_message_descriptor_get_field(
			&mm__report_data__descriptor, kind);
		assert_non_null(f);
		why[0] = '\0';
		if (report_data_check(t->desc, f->descriptor, why, sizeof(why)))
			fail_msg("kind %u: %s", kind, why);
		n++;
	}
	assert_true(n >= 1);
}

/* Every kind's data of a machine, packed and read back whole. */
static void every_kind(struct machine *m, int pid)
{
	unsigned int kind;

	for (kind = 0; kind < report_data_nr_kinds(); kind++) {
		Mm__ReportData *rd = NULL, *back;
		uint8_t *buf;
		size_t len;
		int err;

		if (!report_data_type(kind))
			continue;
		/* nodeN/meminfo's argument is a node: node 0. */
		err = report_data_make(NULL, m, kind,
				       report_data_by_node(kind) ? 0 : pid,
				       &rd);
		/* Segment registers and far pointers are i386's: long mode
		 * has none. */
		if (err == -EOPNOTSUPP && !m->segment &&
		    (kind == MM__REPORT_KIND__REPORT_SEGREGS ||
		     kind == MM__REPORT_KIND__REPORT_TRANSLATE)) {
			assert_null(rd);
			continue;
		}
		/* page_owner's file needs page_owner on. */
		if (err == -EOPNOTSUPP && !m->page_owner &&
		    kind == MM__REPORT_KIND__REPORT_PAGE_OWNER) {
			assert_null(rd);
			continue;
		}
		if (err)
			fail_msg("kind %u: %d: %s", kind, err, m->errmsg);
		assert_int_equal(rd->report_case, kind);
		len = mm__report_data__get_packed_size(rd);
		buf = malloc(len);
		assert_non_null(buf);
		mm__report_data__pack(rd, buf);
		back = mm__report_data__unpack(NULL, len, buf);
		assert_non_null(back);
		assert_int_equal(back->report_case, kind);
		mm__report_data__free_unpacked(back, NULL);
		mm__report_data__free_unpacked(rd, NULL);
		free(buf);
	}
}

static void test_every_kind_on_both_architectures(void **state)
{
	struct layout l;
	struct machine *m;
	int pid;

	(void)state;
	m = boot_default();
	assert_int_equal(task_create(m, "data", 0, 0, &pid), 0);
	every_kind(m, pid);
	machine_destroy(m);
	i386_layout(&l, 1ULL << 30); /* HighMem above 896M */
	m = boot(&l);
	assert_int_equal(task_create(m, "data", 0, 0, &pid), 0);
	every_kind(m, pid);
	machine_destroy(m);
}

/* A kind with no structured form (none, or past the table) is
 * -EOPNOTSUPP, with nothing made. */
static void test_a_text_only_kind(void **state)
{
	struct machine *m = boot_default();
	Mm__ReportData *rd = (Mm__ReportData *)1;

	(void)state;
	assert_int_equal(report_data_make(NULL, m,
					  MM__REPORT_KIND__REPORT_UNSPECIFIED,
					  0, &rd),
			 -EOPNOTSUPP);
	assert_null(rd);
	rd = (Mm__ReportData *)1;
	assert_int_equal(
		report_data_make(NULL, m, report_data_nr_kinds(), 0, &rd),
		-EOPNOTSUPP);
	assert_null(rd);
	machine_destroy(m);
}

struct two {
	uint64_t mem_total;
	uint64_t nosuch;
};

/* A table that names a field the message lacks, or too few, is caught. */
static void test_a_disagreement_is_named(void **state)
{
	static const struct snap_field wrong[] = {
		SNAP_FIELD(struct two, mem_total, SNAP_U64),
		SNAP_FIELD(struct two, nosuch, SNAP_U64),
	};
	static const struct snap_desc d =
		SNAP_DESC("Meminfo", struct two, wrong);
	static const struct snap_desc other =
		SNAP_DESC("Vmstat", struct two, wrong);
	char why[160];

	(void)state;
	assert_int_equal(report_data_check(&d, &mm__meminfo__descriptor, why,
					   sizeof(why)),
			 -EINVAL);
	assert_non_null(strstr(why, "Meminfo has"));
	assert_int_equal(report_data_check(&other, &mm__meminfo__descriptor,
					   why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "Meminfo is filled from Vmstat's table");
}

/* The text's MemFree line is the snapshot's mem_free. */
static void test_text_is_the_snapshot(void **state)
{
	struct machine *m = boot_default();
	struct seq_buf s;
	struct meminfo_snapshot *mi;
	char line[64];
	int err;

	(void)state;
	seq_buf_init(&s);
	mi = snapshot_take(&meminfo_report, m, 0, &err);
	assert_non_null(mi);
	assert_int_equal(meminfo_show(mi, &s), 0);
	snprintf(line, sizeof(line), "\nMemFree:        %8llu kB\n",
		 (unsigned long long)mi->mem_free);
	assert_non_null(strstr(s.buf, line));
	assert_true(mi->mem_free > 0 && mi->mem_free <= mi->mem_total);
	snapshot_free(meminfo_report.desc, mi);
	seq_buf_free(&s);
	machine_destroy(m);
}

/* The log's records print back to its very bytes, a message with a
 * newline inside one record. */
static void test_dmesg_records(void **state)
{
	struct machine *m = boot_default();
	struct dmesg_snapshot *d;
	struct seq_buf s;
	size_t before;
	int err;

	(void)state;
	before = m->log_len;
	printk(m, "first %d", 1);
	printk(m, "two lines\n  the second");
	seq_buf_init(&s);
	d = snapshot_take(&dmesg_report, m, 0, &err);
	assert_non_null(d);
	assert_int_equal(dmesg_show(d, &s), 0);
	assert_int_equal(s.len, m->log_len);
	assert_memory_equal(s.buf, m->log_buf, m->log_len);
	assert_true(d->nr_records >= 2);
	assert_string_equal(d->records[d->nr_records - 1].message,
			    "two lines\n  the second");
	assert_string_equal(d->records[d->nr_records - 2].message, "first 1");
	assert_int_equal(d->records[d->nr_records - 1].seq,
			 d->records[d->nr_records - 2].seq + 1);
	assert_true(m->log_len > before);
	snapshot_free(dmesg_report.desc, d);
	seq_buf_free(&s);
	machine_destroy(m);
}

/* The text's line of each zone holds the snapshot's indices, and each
 * is the index computed on the zone now. */
static void check_frag_index(const struct machine *m,
			     const struct report_type *t, const char *fmt,
			     int (*index)(const struct zone *, unsigned int))
{
	struct frag_index_snapshot *fi;
	struct seq_buf s;
	int err;

	fi = snapshot_take(t, m, 0, &err);
	assert_non_null(fi);
	seq_buf_init(&s);
	assert_int_equal(t->show(fi, &s), 0);
	assert_int_equal(fi->nr_zones, 2); /* DMA and DMA32 */
	for (size_t z = 0; z < fi->nr_zones; z++) {
		const struct frag_index_zone_snapshot *fz = &fi->zones[z];
		char line[256];
		size_t n;

		assert_string_equal(fz->zone, m->zones[z].name);
		assert_int_equal(fz->nr_index, m->max_order + 1);
		n = (size_t)snprintf(line, sizeof(line), "Node 0, zone %8s ",
				     fz->zone);
		for (size_t o = 0; o < fz->nr_index; o++) {
			int i = (int)(int64_t)fz->index[o];

			assert_int_equal(i, index(&m->zones[z], (unsigned)o));
			n += (size_t)snprintf(line + n, sizeof(line) - n, fmt,
					      i / 1000, i % 1000);
		}
		assert_non_null(strstr(s.buf, line));
	}
	snapshot_free(t->desc, fi);
	seq_buf_free(&s);
}

/*
 * extfrag and unusable on a machine fragmented on purpose (every other
 * page of DMA32's order-0 pool held): -1000 at order 0 (a free page
 * exists), indices between 0 and 1000 where no block is big enough.
 */
static void test_frag_indices(void **state)
{
	struct layout l;
	struct machine *m;
	struct page *held[4096];
	size_t n = 0;

	(void)state;
	small_layout(&l, 64 * MiB);
	m = boot(&l);
	for (size_t i = 0; i < 4096; i++) {
		struct page *p = alloc_pages(m, GFP_KERNEL, 0);

		assert_non_null(p);
		if (i % 2)
			assert_int_equal(__free_pages(m, p, 0), 0);
		else
			held[n++] = p;
	}
	check_frag_index(m, &extfrag_index_report, "%2d.%03d ",
			 fragmentation_index);
	check_frag_index(m, &unusable_index_report, "%d.%03d ",
			 unusable_free_index);
	assert_int_equal(fragmentation_index(&m->zones[1], 0), -1000);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(__free_pages(m, held[i], 0), 0);
	machine_destroy(m);
}

/* Each pageblock's pages add up to its size; the text's line of each is
 * the snapshot's; a block holding a kernel page counts it unmovable. */
static void test_pageblocks(void **state)
{
	struct layout l;
	struct machine *m;
	struct pageblocks_snapshot *pb;
	struct page *p;
	unsigned long pfn;
	struct seq_buf s;
	bool found = false;
	int err;

	(void)state;
	small_layout(&l, 64 * MiB);
	m = boot(&l);
	p = alloc_pages(m, GFP_KERNEL, 0);
	assert_non_null(p);
	pfn = page_to_pfn(m, p);
	pb = snapshot_take(&pageblocks_report, m, 0, &err);
	assert_non_null(pb);
	seq_buf_init(&s);
	assert_int_equal(pageblocks_report.show(pb, &s), 0);
	assert_int_equal(pb->pages_per_block, 512);
	assert_int_equal(pb->nr_zones, 2);
	for (size_t z = 0; z < pb->nr_zones; z++) {
		const struct pageblock_zone_snapshot *pz = &pb->zones[z];
		uint64_t pages = 0;

		for (size_t i = 0; i < pz->nr_blocks; i++) {
			const struct pageblock_snapshot *b = &pz->blocks[i];
			uint64_t sum =
				b->free + b->movable + b->unmovable + b->absent;
			char line[128];

			assert_int_equal(b->pfn, pz->start_pfn + pages);
			assert_true(sum == 512 || i == pz->nr_blocks - 1 ||
				    i == 0);
			pages += sum;
			snprintf(line, sizeof(line),
				 "\n%c %llu %llu %llu %llu\n",
				 b->type[0] ? b->type[0] : '-',
				 (unsigned long long)b->free,
				 (unsigned long long)b->movable,
				 (unsigned long long)b->unmovable,
				 (unsigned long long)b->absent);
			assert_non_null(strstr(s.buf, line));
			if (pfn >= b->pfn && pfn < b->pfn + sum) {
				assert_true(b->unmovable >= 1);
				assert_string_equal(b->type, "Unmovable");
				found = true;
			}
		}
		assert_int_equal(pages, pz->pages);
	}
	assert_true(found);
	snapshot_free(pageblocks_report.desc, pb);
	seq_buf_free(&s);
	assert_int_equal(__free_pages(m, p, 0), 0);
	machine_destroy(m);
}

/* A cell byte as the frames text's character. */
static char frames_char(uint8_t cell)
{
	static const char chars[] = " #M0pstuk";

	if ((cell & 15) == FRAME_FREE)
		return "0123456789abcdef"[cell >> 4];
	return chars[cell & 15];
}

/*
 * frames: the text's rows are the snapshot's cells, 64 to a row, and
 * each row is frame_cells' own of its 64 cells' frames (the map as it
 * was printed before the snapshot); the states by their names.
 */
static void test_frames(void **state)
{
	struct machine *m = boot_default();
	struct frames_snapshot *f;
	struct seq_buf s;
	char *text, *line, *save = NULL;
	int err;

	(void)state;
	f = snapshot_take(&frames_report, m, 0, &err);
	assert_non_null(f);
	seq_buf_init(&s);
	assert_int_equal(frames_report.show(f, &s), 0);
	assert_int_equal(f->pages_per_cell, 512); /* 4 GiB in 4096 cells */
	assert_int_equal(f->nr_states, NR_FRAME_STATES);
	assert_string_equal(f->states[FRAME_PCP], "per-cpu");
	text = strdup(s.buf);
	line = strtok_r(text, "\n", &save);
	assert_string_equal(line, "frames: 512 pages per cell");
	line = strtok_r(NULL, "\n", &save); /* the legend */
	for (size_t z = 0; z < f->nr_zones; z++) {
		const struct frames_zone_snapshot *fz = &f->zones[z];
		char want[80];
		uint64_t pfn = fz->start_pfn;
		size_t at = 0;

		snprintf(want, sizeof(want),
			 "zone %s start_pfn %llu pages %llu", fz->zone,
			 (unsigned long long)fz->start_pfn,
			 (unsigned long long)fz->pages);
		assert_string_equal(strtok_r(NULL, "\n", &save), want);
		assert_int_equal(fz->nr_cells, (fz->pages + 511) / 512);
		while (pfn < fz->start_pfn + fz->pages) {
			uint64_t nr = fz->start_pfn + fz->pages - pfn;
			uint8_t cells[64];
			char row[65];
			long n;

			if (nr > 64 * 512)
				nr = 64 * 512;
			n = frame_cells(m, (unsigned long)pfn,
					(unsigned long)nr, 512, cells);
			for (long i = 0; i < n; i++) {
				row[i] = frames_char(cells[i]);
				assert_int_equal(fz->cells[at + (size_t)i],
						 cells[i]);
			}
			row[n] = '\0';
			assert_string_equal(strtok_r(NULL, "\n", &save), row);
			at += (size_t)n;
			pfn += nr;
		}
		assert_int_equal(at, fz->nr_cells);
	}
	assert_null(strtok_r(NULL, "\n", &save));
	free(text);
	snapshot_free(frames_report.desc, f);
	seq_buf_free(&s);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tables_match_the_messages),
		cmocka_unit_test(test_a_disagreement_is_named),
		cmocka_unit_test(test_every_kind_on_both_architectures),
		cmocka_unit_test(test_a_text_only_kind),
		cmocka_unit_test(test_text_is_the_snapshot),
		cmocka_unit_test(test_dmesg_records),
		cmocka_unit_test(test_frag_indices),
		cmocka_unit_test(test_pageblocks),
		cmocka_unit_test(test_frames),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
