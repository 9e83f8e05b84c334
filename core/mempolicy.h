/* SPDX-License-Identifier: MIT */
/*
 * mempolicy.h - NUMA memory policies: which nodes an allocation may use.
 *
 * Owns: struct mempolicy with Linux's modes and flags (uapi values, so
 * they cross the wire unchanged), its validation (mpol_new), and the
 * allocation under a policy (alloc_pages_mpol, vma_alloc_pages), as
 * mm/mempolicy.c. The calls that set policies (set_mempolicy, mbind,
 * ...) are mempolicy_syscalls.c's. Must never: change a VMA or a task;
 * it reads the policy it is given.
 */
#ifndef MM_MEMPOLICY_H
#define MM_MEMPOLICY_H

#include "core/mmzone.h"

/*
 * The modes, as include/uapi/linux/mempolicy.h numbers them: macros,
 * spelled as client/mmclient.h spells them, so that either header may
 * come first.
 */
#define MPOL_DEFAULT		 0
#define MPOL_PREFERRED		 1
#define MPOL_BIND		 2
#define MPOL_INTERLEAVE		 3
#define MPOL_LOCAL		 4
#define MPOL_PREFERRED_MANY	 5
#define MPOL_WEIGHTED_INTERLEAVE 6
#define MPOL_MAX		 7

/* Mode flags, or'ed into the mode. */
#define MPOL_F_STATIC_NODES   (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_MODE_FLAGS                                                        \
	(MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING)

/* get_mempolicy's flags. */
#define MPOL_F_NODE	    (1 << 0)
#define MPOL_F_ADDR	    (1 << 1)
#define MPOL_F_MEMS_ALLOWED (1 << 2)

/* mbind's flags. */
#define MPOL_MF_STRICT	 (1 << 0)
#define MPOL_MF_MOVE	 (1 << 1)
#define MPOL_MF_MOVE_ALL (1 << 2)
#define MPOL_MF_VALID	 (MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)

/* move_pages' flag. */
#define MPOL_MF_MOVE_FLAGS (MPOL_MF_MOVE | MPOL_MF_MOVE_ALL)

/* An allocation with no page offset: interleave by the task's turn. */
#define NO_INTERLEAVE_INDEX (~0UL)

/*
 * A policy, kept by value in a task or a VMA; mode MPOL_DEFAULT is
 * none. nodes is what the allocator uses, user_nodemask what the caller
 * gave when a flag asks to keep it. il_prev and il_weight are a task's
 * interleave turn (the last node and what it may still take).
 */
struct mempolicy {
	unsigned short mode;
	unsigned short flags;
	nodemask_t nodes;
	nodemask_t user_nodemask;
	int il_prev;
	unsigned int il_weight;
};

/* Split mode and flags and check them, as sanitize_mpol_flags. */
int sanitize_mpol_flags(int *mode, unsigned short *flags);

/*
 * Build a policy from a mode, its flags and the nodes given, as mpol_new
 * and mpol_set_nodemask: -EINVAL for what Linux refuses (an empty mask
 * where one is needed, a mask for MPOL_DEFAULT or MPOL_LOCAL, no online
 * node in it). MPOL_PREFERRED with no node becomes MPOL_LOCAL.
 */
int mpol_new(const struct machine *m, int mode, unsigned short flags,
	     nodemask_t nodes, struct mempolicy *pol);

/*
 * A policy the checker accepts: a known mode; for the default and local
 * no node, for the others online nodes only, one for MPOL_PREFERRED.
 */
bool mpol_sound(const struct machine *m, const struct mempolicy *pol);

/* Equal for the VMA merge rules, as mpol_equal. */
bool mpol_equal(const struct mempolicy *a, const struct mempolicy *b);

/* The nodes get_mempolicy reports for a policy. */
nodemask_t get_policy_nodemask(const struct mempolicy *pol);

/*
 * Allocate under pol (NULL: the default, the local node), as
 * alloc_pages_mpol: ilx is the page's interleave index, or
 * NO_INTERLEAVE_INDEX to take the task's next turn; nid the node the
 * caller runs on.
 */
struct page *alloc_pages_mpol(struct machine *m, gfp_t gfp, unsigned int order,
			      struct mempolicy *pol, unsigned long ilx,
			      int nid);

struct vm_area_struct;

/*
 * The policy a fault at addr follows: the VMA's, else the task's; *ilx
 * its interleave index (the page offset, by pages of the order asked
 * for; 0 when the policy does not interleave), as get_vma_policy.
 */
struct mempolicy *get_vma_policy(struct machine *m, struct vm_area_struct *vma,
				 uint64_t addr, unsigned int order,
				 unsigned long *ilx);

/* A user page for addr of vma, under its policy, as vma_alloc_folio. */
struct page *vma_alloc_pages(struct machine *m, gfp_t gfp, unsigned int order,
			     struct vm_area_struct *vma, uint64_t addr);

/* The node interleave would give index ilx under pol (numa_maps, tests). */
int mpol_interleave_nid(const struct machine *m, const struct mempolicy *pol,
			unsigned long ilx);

/* The policy as numa_maps prints it: "interleave:0-1", "default" ... */
const char *mpol_to_str(const struct mempolicy *pol, char *buf, size_t len);

#endif /* MM_MEMPOLICY_H */
