/* SPDX-License-Identifier: MIT */
/*
 * seed_session.c - the session harness's seed corpus, written by playing
 * short client scripts through the harness itself.
 *
 * Owns: the scripts (every family of operations, the waits, the admin
 * requests, bad framing) and how a seed is made: machines boot the same
 * way every time, so a script run once learns the pfns and addresses its
 * later requests name (a free of what was allocated, a read of what was
 * written), and its frames, replayed as an input, do the same again.
 * Each script gives a seed for both session harnesses: its frames as one
 * client's bytes (corpus/session/), and as records of fuzz_requests.c's
 * format (corpus/requests/), which also gets one request of every
 * operation in the table. `make fuzz-seeds` runs it into
 * tests/fuzz/corpus/. Must never: write anywhere but the directory it is
 * given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/gfp.h"
#include "tests/fuzz/harness.h"

struct seeder {
	struct session *s;
	struct frame_buf frames;  /* what the client sent: the seed */
	struct frame_buf records; /* the same, as fuzz_requests.c's records */
	uint64_t id;
	unsigned int layout;
};

static void put_bytes(struct frame_buf *b, const void *p, size_t len)
{
	if (frame_buf_reserve(b, len)) {
		fputs("seed_session: out of memory\n", stderr);
		exit(1);
	}
	memcpy(b->data + b->len, p, len);
	b->len += len;
}

/* A record of fuzz_requests.c's input: session, length, bytes. */
static void put_record(struct frame_buf *b, uint8_t who, const void *p,
		       size_t len)
{
	uint8_t head[3] = {who, (uint8_t)(len >> 8), (uint8_t)len};

	if (len > 0xffff) {
		fputs("seed_session: a record over 64 KiB\n", stderr);
		exit(1);
	}
	put_bytes(b, head, sizeof(head));
	put_bytes(b, p, len);
}

/* Send one request; the value of its reply, whatever kind it is. */
static uint64_t call(struct seeder *sd, Mm__Request__OpCase op, void *msg)
{
	Mm__Request rq = MM__REQUEST__INIT;
	struct frame_buf one;
	Mm__Reply *rep;
	uint64_t v = 0;

	rq.id = ++sd->id;
	rq.op_case = op;
	rq.ping = msg; /* every member of the oneof is a pointer in one union */
	frame_buf_init(&one);
	if (frame_append(&one, &rq.base, UINT32_MAX))
		exit(1);
	put_bytes(&sd->frames, one.data, one.len);
	put_record(&sd->records, 0, one.data, one.len);
	fuzz_send(sd->s, one.data, one.len);
	frame_buf_free(&one);
	rep = fuzz_replies();
	if (!rep)
		return 0;
	switch (rep->result_case) {
	case MM__REPLY__RESULT_PFN:
	case MM__REPLY__RESULT_ADDR:
	case MM__REPLY__RESULT_CACHE:
	case MM__REPLY__RESULT_PHYS:
	case MM__REPLY__RESULT_SIZE:
	case MM__REPLY__RESULT_VALUE:
		v = rep->pfn; /* one union: the same bytes for each */
		break;
	default:
		break;
	}
	mm__reply__free_unpacked(rep, NULL);
	return v;
}

static uint64_t seed_alloc_pages(struct seeder *sd, uint32_t gfp,
				 uint32_t order)
{
	Mm__AllocPages m = MM__ALLOC_PAGES__INIT;

	m.gfp = gfp;
	m.order = order;
	return call(sd, MM__REQUEST__OP_ALLOC_PAGES, &m);
}

static void seed_free_pages(struct seeder *sd, uint64_t pfn, uint32_t order)
{
	Mm__FreePages m = MM__FREE_PAGES__INIT;

	m.pfn = pfn;
	m.order = order;
	call(sd, MM__REQUEST__OP_FREE_PAGES, &m);
}

static uint64_t on_pfn(struct seeder *sd, Mm__Request__OpCase op, uint64_t pfn)
{
	Mm__Pfn m = MM__PFN__INIT;

	m.pfn = pfn;
	return call(sd, op, &m);
}

static uint64_t on_addr(struct seeder *sd, Mm__Request__OpCase op,
			uint64_t addr)
{
	Mm__Address m = MM__ADDRESS__INIT;

	m.addr = addr;
	return call(sd, op, &m);
}

static uint64_t seed_kmalloc(struct seeder *sd, uint64_t size, uint32_t gfp)
{
	Mm__Kmalloc m = MM__KMALLOC__INIT;

	m.size = size;
	m.gfp = gfp;
	return call(sd, MM__REQUEST__OP_KMALLOC, &m);
}

static void write_at(struct seeder *sd, uint64_t addr, size_t len, bool phys)
{
	Mm__Write m = MM__WRITE__INIT;
	uint8_t bytes[128];

	for (size_t i = 0; i < sizeof(bytes); i++)
		bytes[i] = (uint8_t)(i * 7 + 1);
	m.addr = addr;
	m.data.data = bytes;
	m.data.len = len < sizeof(bytes) ? len : sizeof(bytes);
	call(sd, phys ? MM__REQUEST__OP_WRITE_PHYS : MM__REQUEST__OP_WRITE, &m);
}

static void read_at(struct seeder *sd, uint64_t addr, uint32_t len, bool phys)
{
	Mm__Read m = MM__READ__INIT;

	m.addr = addr;
	m.len = len;
	call(sd, phys ? MM__REQUEST__OP_READ_PHYS : MM__REQUEST__OP_READ, &m);
}

static uint64_t direct_map(struct seeder *sd, uint64_t pfn)
{
	const struct machine *m = fuzz_machine();

	(void)sd;
	return m->layout.kernel.page_offset + pfn * m->page_size;
}

/* ---- the scripts */

static void script_pages(struct seeder *sd)
{
	uint64_t pfn = seed_alloc_pages(sd, GFP_KERNEL, 0);
	uint64_t big = seed_alloc_pages(sd, GFP_KERNEL | __GFP_ZERO, 3);

	write_at(sd, direct_map(sd, pfn), 64, false);
	read_at(sd, direct_map(sd, pfn), 64, false);
	on_pfn(sd, MM__REQUEST__OP_GET_PAGE, pfn);
	on_pfn(sd, MM__REQUEST__OP_PUT_PAGE, pfn);
	seed_free_pages(sd, big, 2); /* the wrong order */
	seed_free_pages(sd, big, 3);
	seed_free_pages(sd, pfn, 0);
	seed_free_pages(sd, pfn, 0); /* twice */
	seed_alloc_pages(sd, GFP_DMA, 1);
	seed_alloc_pages(sd, GFP_ATOMIC, 12); /* above max_order */
}

static void script_slab(struct seeder *sd)
{
	Mm__KmemCacheCreate cc = MM__KMEM_CACHE_CREATE__INIT;
	Mm__KmemCacheAlloc ca = MM__KMEM_CACHE_ALLOC__INIT;
	Mm__KmemCacheAllocNode can = MM__KMEM_CACHE_ALLOC_NODE__INIT;
	Mm__KmemCacheFree cf = MM__KMEM_CACHE_FREE__INIT;
	Mm__Cache c = MM__CACHE__INIT;
	uint64_t cache, obj;

	cc.name = "fuzz_obj";
	cc.size = 100;
	cc.align = 8;
	cache = call(sd, MM__REQUEST__OP_KMEM_CACHE_CREATE, &cc);
	ca.cache = cache;
	ca.gfp = GFP_KERNEL;
	obj = call(sd, MM__REQUEST__OP_KMEM_CACHE_ALLOC, &ca);
	call(sd, MM__REQUEST__OP_KMEM_CACHE_ALLOC, &ca);
	can.cache = cache;
	can.gfp = GFP_KERNEL;
	can.nid = 0;
	call(sd, MM__REQUEST__OP_KMEM_CACHE_ALLOC_NODE, &can);
	can.nid = 5; /* no such node */
	call(sd, MM__REQUEST__OP_KMEM_CACHE_ALLOC_NODE, &can);
	write_at(sd, obj, 100, false);
	read_at(sd, obj, 101, false); /* one past its end */
	cf.cache = cache;
	cf.addr = obj;
	call(sd, MM__REQUEST__OP_KMEM_CACHE_FREE, &cf);
	call(sd, MM__REQUEST__OP_KMEM_CACHE_FREE, &cf);
	c.cache = cache;
	call(sd, MM__REQUEST__OP_KMEM_CACHE_SHRINK, &c);
	call(sd, MM__REQUEST__OP_KMEM_CACHE_DESTROY, &c);
}

static void script_kmalloc(struct seeder *sd)
{
	Mm__Kcalloc kc = MM__KCALLOC__INIT;
	Mm__Krealloc kr = MM__KREALLOC__INIT;
	Mm__KmallocNode kn = MM__KMALLOC_NODE__INIT;
	uint64_t a = seed_kmalloc(sd, 100, GFP_KERNEL), b;

	on_addr(sd, MM__REQUEST__OP_KSIZE, a);
	write_at(sd, a, 96, false);
	kr.addr = a;
	kr.size = 300;
	kr.gfp = GFP_KERNEL;
	b = call(sd, MM__REQUEST__OP_KREALLOC, &kr);
	read_at(sd, b, 96, false);
	kc.n = 4;
	kc.size = 50;
	kc.gfp = GFP_KERNEL;
	call(sd, MM__REQUEST__OP_KCALLOC, &kc);
	seed_kmalloc(sd, 20000, GFP_KERNEL); /* from the page allocator */
	seed_kmalloc(sd, 64, GFP_DMA);
	kn.size = 200;
	kn.gfp = GFP_KERNEL;
	kn.nid = -1;
	call(sd, MM__REQUEST__OP_KMALLOC_NODE, &kn);
	kn.nid = 3; /* no such node */
	call(sd, MM__REQUEST__OP_KMALLOC_NODE, &kn);
	on_addr(sd, MM__REQUEST__OP_KFREE, b);
	on_addr(sd, MM__REQUEST__OP_KFREE, b);
	on_addr(sd, MM__REQUEST__OP_KFREE, a + 8); /* not an object */
}

static void script_vmalloc(struct seeder *sd)
{
	Mm__Vmalloc vm = MM__VMALLOC__INIT;
	Mm__VmallocNode vn = MM__VMALLOC_NODE__INIT;
	Mm__Vmap vp = MM__VMAP__INIT;
	Mm__Ioremap io = MM__IOREMAP__INIT;
	uint64_t v, pfns[2], va, dev;

	vm.size = 20000;
	v = call(sd, MM__REQUEST__OP_VMALLOC, &vm);
	write_at(sd, v + 4096, 128, false);
	call(sd, MM__REQUEST__OP_VZALLOC, &vm);
	vn.size = 8192;
	vn.nid = 0;
	call(sd, MM__REQUEST__OP_VMALLOC_NODE, &vn);
	vn.nid = 7; /* no such node */
	call(sd, MM__REQUEST__OP_VZALLOC_NODE, &vn);
	pfns[0] = seed_alloc_pages(sd, GFP_KERNEL, 0);
	pfns[1] = seed_alloc_pages(sd, GFP_KERNEL, 0);
	vp.n_pfns = 2;
	vp.pfns = pfns;
	va = call(sd, MM__REQUEST__OP_VMAP, &vp);
	read_at(sd, va, 64, false);
	on_addr(sd, MM__REQUEST__OP_VMALLOC_TO_PFN, va + 4096);
	on_addr(sd, MM__REQUEST__OP_VUNMAP, va);
	on_addr(sd, MM__REQUEST__OP_VFREE, v);
	on_addr(sd, MM__REQUEST__OP_VFREE, v);
	io.phys = sd->layout ? 0x20000000 : 0xe0000000;
	io.size = 4096;
	dev = call(sd, MM__REQUEST__OP_IOREMAP, &io);
	on_addr(sd, MM__REQUEST__OP_IOUNMAP, dev);
}

static void script_kmap(struct seeder *sd)
{
	Mm__Kmap km = MM__KMAP__INIT;
	uint64_t hp = seed_alloc_pages(sd, GFP_HIGHUSER, 0), a;

	km.pfn = hp;
	a = call(sd, MM__REQUEST__OP_KMAP, &km);
	write_at(sd, a, 64, false);
	on_pfn(sd, MM__REQUEST__OP_KUNMAP, hp);
	a = on_pfn(sd, MM__REQUEST__OP_KMAP_ATOMIC, hp);
	read_at(sd, a, 64, false);
	on_addr(sd, MM__REQUEST__OP_KUNMAP_ATOMIC, a);
	/* More kmaps than slots: the last waits 20 ms, then times out. */
	for (int i = 0; i < 9; i++) {
		km.pfn = seed_alloc_pages(sd, GFP_HIGHUSER, 0);
		km.timeout_ms = 20;
		call(sd, MM__REQUEST__OP_KMAP, &km);
	}
}

static void script_percpu_mmz(struct seeder *sd)
{
	Mm__AllocPercpu ap = MM__ALLOC_PERCPU__INIT;
	Mm__PerCpuPtr pp = MM__PER_CPU_PTR__INIT;
	Mm__MmzAlloc ma = MM__MMZ_ALLOC__INIT;
	Mm__MmzFind mf = MM__MMZ_FIND__INIT;
	uint64_t p, phys;

	ap.size = 64;
	ap.align = 8;
	p = call(sd, MM__REQUEST__OP_ALLOC_PERCPU, &ap);
	pp.ptr = p;
	pp.cpu = 1;
	write_at(sd, call(sd, MM__REQUEST__OP_PER_CPU_PTR, &pp), 64, false);
	on_addr(sd, MM__REQUEST__OP_FREE_PERCPU, p);
	ma.zone = "media";
	ma.name = "buf";
	ma.size = 65536;
	ma.align = 4096;
	phys = call(sd, MM__REQUEST__OP_MMZ_ALLOC, &ma);
	write_at(sd, phys, 128, true);
	read_at(sd, phys, 128, true);
	mf.name = "buf";
	call(sd, MM__REQUEST__OP_MMZ_FIND, &mf);
	on_addr(sd, MM__REQUEST__OP_MMZ_FREE, phys);
}

static void script_reports(struct seeder *sd)
{
	Mm__Report rp = MM__REPORT__INIT;
	Mm__AdminCheck chk = MM__ADMIN_CHECK__INIT;
	Mm__AdminDropCaches dc = MM__ADMIN_DROP_CACHES__INIT;
	Mm__AdminSessions ss = MM__ADMIN_SESSIONS__INIT;
	Mm__AdminCompactMemory cm = MM__ADMIN_COMPACT_MEMORY__INIT;
	Mm__AdminSysctl sc = MM__ADMIN_SYSCTL__INIT;
	Mm__AdminTransparentHugepage thp = MM__ADMIN_TRANSPARENT_HUGEPAGE__INIT;
	Mm__AdminKhugepaged kh = MM__ADMIN_KHUGEPAGED__INIT;
	Mm__Ping ping = MM__PING__INIT;
	Mm__ModifyLdt ldt = MM__MODIFY_LDT__INIT;
	Mm__LoadSegment seg = MM__LOAD_SEGMENT__INIT;

	for (int k = 1; k <= 12; k++) {
		rp.kind = (Mm__ReportKind)k;
		call(sd, MM__REQUEST__OP_REPORT, &rp);
	}
	/* The same as data; FRAMES has none (-EOPNOTSUPP). */
	rp.structured = true;
	for (int k = 1; k <= 16; k++) {
		rp.kind = (Mm__ReportKind)k;
		call(sd, MM__REQUEST__OP_REPORT, &rp);
	}
	rp.offset = 1; /* data comes whole: -EINVAL */
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	rp.offset = 0;
	rp.structured = false;
	rp.kind = MM__REPORT_KIND__REPORT_STATUS;
	rp.pid = 1; /* the bystander's */
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	rp.kind = MM__REPORT_KIND__REPORT_PAGETYPEINFO;
	rp.pid = 0;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	rp.kind = MM__REPORT_KIND__REPORT_EXTFRAG_INDEX;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	rp.kind = MM__REPORT_KIND__REPORT_UNUSABLE_INDEX;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	rp.kind = MM__REPORT_KIND__REPORT_PAGEBLOCKS;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	sc.name = "vm.compaction_proactiveness"; /* wakes kcompactd */
	sc.value = 100;
	call(sd, MM__REQUEST__OP_ADMIN_SYSCTL, &sc);
	sc.name = "vm.extfrag_threshold"; /* refused: -EINVAL */
	sc.value = 1001;
	call(sd, MM__REQUEST__OP_ADMIN_SYSCTL, &sc);
	rp.kind = MM__REPORT_KIND__REPORT_LDT;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	rp.kind = MM__REPORT_KIND__REPORT_SEGREGS;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	rp.kind = MM__REPORT_KIND__REPORT_VM_LAYOUT;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	/* The NUMA reports as data; a node past the last is -EINVAL. */
	rp.structured = true;
	for (int k = MM__REPORT_KIND__REPORT_NUMA_MAPS;
	     k <= MM__REPORT_KIND__REPORT_NODE_MEMINFO; k++) {
		rp.kind = (Mm__ReportKind)k;
		call(sd, MM__REQUEST__OP_REPORT, &rp);
	}
	rp.kind = MM__REPORT_KIND__REPORT_NODE_VMSTAT;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	rp.addr = 5;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	rp.kind = MM__REPORT_KIND__REPORT_NODE_MEMINFO;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	rp.addr = 0;
	rp.structured = false;
	ldt.func = 2; /* the default LDT, into no memory: -EFAULT */
	ldt.ptr = 4096;
	ldt.bytecount = 16;
	call(sd, MM__REQUEST__OP_MODIFY_LDT, &ldt);
	seg.sreg = 3;
	seg.selector = 0x7b;
	call(sd, MM__REQUEST__OP_LOAD_SEGMENT, &seg);
	call(sd, MM__REQUEST__OP_ADMIN_COMPACT_MEMORY, &cm);
	rp.kind = MM__REPORT_KIND__REPORT_TRANSPARENT_HUGEPAGE;
	call(sd, MM__REQUEST__OP_REPORT, &rp);
	thp.enabled = "always";
	call(sd, MM__REQUEST__OP_ADMIN_TRANSPARENT_HUGEPAGE, &thp);
	thp.enabled = "sometimes"; /* refused: -EINVAL */
	call(sd, MM__REQUEST__OP_ADMIN_TRANSPARENT_HUGEPAGE, &thp);
	kh.scan = true;
	call(sd, MM__REQUEST__OP_ADMIN_KHUGEPAGED, &kh);
	kh.set_max_ptes_none = true;
	kh.max_ptes_none = 512; /* refused: -EINVAL */
	call(sd, MM__REQUEST__OP_ADMIN_KHUGEPAGED, &kh);
	call(sd, MM__REQUEST__OP_ADMIN_CHECK, &chk);
	call(sd, MM__REQUEST__OP_ADMIN_DROP_CACHES, &dc);
	call(sd, MM__REQUEST__OP_ADMIN_SESSIONS, &ss);
	call(sd, MM__REQUEST__OP_PING, &ping);
}

/* Atomic sections, interrupt batches and static per-CPU variables. */
static void script_context(struct seeder *sd)
{
	Mm__Section sec = MM__SECTION__INIT;
	Mm__Interrupt irq = MM__INTERRUPT__INIT;
	Mm__DefinePerCpu def = MM__DEFINE_PER_CPU__INIT;
	Mm__PerCpuVar var = MM__PER_CPU_VAR__INIT;
	Mm__Report rp = MM__REPORT__INIT;

	def.name = "hits";
	def.size = 8;
	call(sd, MM__REQUEST__OP_DEFINE_PER_CPU, &def);
	call(sd, MM__REQUEST__OP_DEFINE_PER_CPU, &def); /* -EEXIST */
	def.name = "9bad";
	call(sd, MM__REQUEST__OP_DEFINE_PER_CPU, &def); /* -EINVAL */
	var.name = "hits";
	call(sd, MM__REQUEST__OP_GET_CPU_VAR, &var);
	var.op = MM__THIS_CPU_OP__THIS_CPU_INC;
	call(sd, MM__REQUEST__OP_THIS_CPU_OP, &var);
	call(sd, MM__REQUEST__OP_PUT_CPU_VAR, &var);
	call(sd, MM__REQUEST__OP_PUT_CPU_VAR, &var); /* unbalanced */
	var.cpu = 1;
	var.value = 7;
	call(sd, MM__REQUEST__OP_PER_CPU_WRITE, &var);
	call(sd, MM__REQUEST__OP_PER_CPU_READ, &var);
	var.name = "cpu_number"; /* the kernel's: read only */
	call(sd, MM__REQUEST__OP_PER_CPU_WRITE, &var);
	/* A GFP_KERNEL kmalloc under a spinlock: might_sleep's BUG. */
	sec.kind = MM__SECTION_KIND__SECTION_SPIN_LOCK_IRQSAVE;
	sec.flags = call(sd, MM__REQUEST__OP_ATOMIC_ENTER, &sec);
	seed_kmalloc(sd, 64, GFP_KERNEL);
	call(sd, MM__REQUEST__OP_ATOMIC_EXIT, &sec);
	sec.kind = MM__SECTION_KIND__SECTION_BH; /* never entered */
	call(sd, MM__REQUEST__OP_ATOMIC_EXIT, &sec);
	/* A hardirq batch that leaves a get_cpu_var behind. */
	irq.kind = MM__INTERRUPT_KIND__INTERRUPT_HARDIRQ;
	irq.cpu = 1;
	call(sd, MM__REQUEST__OP_IRQ_ENTER, &irq);
	seed_kmalloc(sd, 32, GFP_ATOMIC);
	var.name = "hits";
	call(sd, MM__REQUEST__OP_GET_CPU_VAR, &var);
	call(sd, MM__REQUEST__OP_IRQ_EXIT, &irq);
	for (int k = MM__REPORT_KIND__REPORT_PREEMPT;
	     k <= MM__REPORT_KIND__REPORT_GFP_CONTEXT; k++) {
		rp.kind = (Mm__ReportKind)k;
		call(sd, MM__REQUEST__OP_REPORT, &rp);
	}
	/* Leave inside a section: the exit's "scheduling while atomic". */
	sec.kind = MM__SECTION_KIND__SECTION_PREEMPT;
	call(sd, MM__REQUEST__OP_ATOMIC_ENTER, &sec);
}

static void script_waits(struct seeder *sd)
{
	Mm__AllocPages ap = MM__ALLOC_PAGES__INIT;
	Mm__Hello hello = MM__HELLO__INIT;

	call(sd, MM__REQUEST__OP_HELLO, &hello); /* a second Hello */
	/* Take most of memory, then ask for more, waiting a little. */
	for (int i = 0; i < 6; i++)
		seed_alloc_pages(sd, GFP_KERNEL, 10);
	ap.gfp = GFP_KERNEL;
	ap.order = 10;
	ap.timeout_ms = 10;
	call(sd, MM__REQUEST__OP_ALLOC_PAGES, &ap);
	ap.gfp = GFP_KERNEL | __GFP_NOFAIL;
	call(sd, MM__REQUEST__OP_ALLOC_PAGES, &ap);
}

static void script_shutdown(struct seeder *sd)
{
	Mm__AdminShutdown sh = MM__ADMIN_SHUTDOWN__INIT;

	seed_alloc_pages(sd, GFP_KERNEL, 0);
	call(sd, MM__REQUEST__OP_ADMIN_SHUTDOWN, &sh);
}

/* Frames no client library would send. */
static void script_bad_frames(struct seeder *sd)
{
	static const uint8_t bytes[] = {
		0,    0, 0,    0,		       /* an empty Request */
		0,    0, 0,    3,    0xff, 0xff, 0xff, /* not protobuf */
		0,    0, 0,    2,    0x08, 0x07, /* an id and no operation */
		0,    0, 0,    4,    0xa2, 0x06, 0x01,
		0x00,			   /* field 100: unknown */
		0,    0, 0x10, 0x00, 0x08, /* 4 KiB announced, 1 sent */
	};

	put_bytes(&sd->frames, bytes, sizeof(bytes));
	put_record(&sd->records, 0, bytes, sizeof(bytes));
	fuzz_send(sd->s, bytes, sizeof(bytes));
}

static void script_too_long(struct seeder *sd)
{
	static const uint8_t bytes[] = {0x7f, 0xff, 0xff, 0xff, 0x08, 0x01};

	put_bytes(&sd->frames, bytes, sizeof(bytes));
	put_record(&sd->records, 0, bytes, sizeof(bytes));
	fuzz_send(sd->s, bytes, sizeof(bytes));
}

struct script {
	const char *name;
	void (*run)(struct seeder *sd);
	uint8_t layouts; /* bit per layout it makes sense on */
};

static const struct script scripts[] = {
	{"pages", script_pages, 3},	  {"slab", script_slab, 3},
	{"kmalloc", script_kmalloc, 3},	  {"vmalloc", script_vmalloc, 3},
	{"kmap", script_kmap, 2},	  {"percpu-mmz", script_percpu_mmz, 2},
	{"reports", script_reports, 3},	  {"waits", script_waits, 3},
	{"shutdown", script_shutdown, 1}, {"bad-frames", script_bad_frames, 3},
	{"too-long", script_too_long, 3}, {"context", script_context, 3},
};

static int write_file(const char *dir, const char *sub, const char *name,
		      uint8_t opts, const struct frame_buf *bytes)
{
	char path[4096];
	FILE *f;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%s/seed-%s-%u", dir, sub, name, opts);
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	if (fwrite(&opts, 1, 1, f) != 1 ||
	    fwrite(bytes->data, 1, bytes->len, f) != bytes->len)
		err = -EIO;
	if (fclose(f))
		err = -EIO;
	return err;
}

/*
 * One request of every operation mm.proto has, each with its message's
 * defaults: where the requests harness starts from a call it has no
 * script for.
 */
static int write_every_op(const char *dir)
{
	const ProtobufCMessageDescriptor *rd = &mm__request__descriptor;
	struct frame_buf records;
	int err;

	frame_buf_init(&records);
	for (unsigned int i = 0; i < rd->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &rd->fields[i];
		const ProtobufCMessageDescriptor *md = f->descriptor;
		Mm__Request rq = MM__REQUEST__INIT;
		struct frame_buf one;
		uint64_t msg[64];

		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
		    f->id == MM__REQUEST__OP_ADMIN_SHUTDOWN)
			continue;
		if (md->sizeof_message > sizeof(msg))
			exit(1);
		md->message_init((ProtobufCMessage *)msg);
		rq.id = i + 2;
		rq.op_case = (Mm__Request__OpCase)f->id;
		rq.ping = (Mm__Ping *)msg; /* one union of pointers */
		frame_buf_init(&one);
		if (frame_append(&one, &rq.base, UINT32_MAX))
			exit(1);
		put_record(&records, (uint8_t)(i % FUZZ_NR_SESSIONS), one.data,
			   one.len);
		frame_buf_free(&one);
	}
	err = write_file(dir, "requests", "every-op", 0, &records);
	frame_buf_free(&records);
	return err;
}

static int write_seed(const char *dir, const char *name, uint8_t opts,
		      const struct seeder *sd)
{
	int err = write_file(dir, "session", name, opts, &sd->frames);

	return err ? err
		   : write_file(dir, "requests", name, opts, &sd->records);
}

/* Each script on each layout it suits, the write mode varied along. */
int fuzz_write_seeds(const char *dir)
{
	unsigned int n = 0;

	for (size_t i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
		for (unsigned int l = 0; l < FUZZ_NR_LAYOUTS; l++) {
			struct seeder sd = {.layout = l};
			uint8_t opts = (uint8_t)(l | (i % 3) << 1);

			if (!(scripts[i].layouts & (1u << l)))
				continue;
			frame_buf_init(&sd.frames);
			frame_buf_init(&sd.records);
			sd.id = 1;
			sd.s = fuzz_begin(opts);
			scripts[i].run(&sd);
			fuzz_end();
			if (write_seed(dir, scripts[i].name, opts, &sd))
				return -EIO;
			frame_buf_free(&sd.frames);
			frame_buf_free(&sd.records);
			n++;
		}
	}
	if (write_every_op(dir))
		return -EIO;
	fprintf(stderr,
		"seed_session: %u seeds of each kind, and every-op, "
		"in %s\n",
		n, dir);
	return 0;
}
