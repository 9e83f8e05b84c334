/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_vm.h - the integration tests' families of process checks.
 *
 * Owns: the declarations of mmc_test_vm.c. Must never: be installed.
 */
#ifndef MMC_TEST_VM_H
#define MMC_TEST_VM_H

/* mmap, mprotect, munmap, mremap, brk, faults, fork, reports. */
void ops_vm(void);
/* The OOM killer: a session, and then a forked process, eat memory. */
void ops_oom(void);
/* A process's malloc over the wire, bad pointers included. */
void ops_malloc(void);

/* Fragmentation, extfrag and proactive compaction (mmc_test_frag.c). */
void ops_frag(void);

/* Files over the wire (mmc_test_fs.c). */
void ops_files(void);
void ops_numa(void);
/* numa-hold SECONDS: memory on both nodes, held for a script. */
void ops_numa_hold(int seconds);

/* CMA areas, cma_alloc and alloc_contig_range (mmc_test_cma.c). */
void ops_cma(void);

#endif /* MMC_TEST_VM_H */
