/* SPDX-License-Identifier: MIT */
/*
 * mmc.h - what the parts of mmc, the demo's client, share.
 *
 * Owns: the declarations of mmc.c and mmc_frag.c. Must never: be
 * installed (mmclient.h is the library's header).
 */
#ifndef MM_CLIENT_MMC_H
#define MM_CLIENT_MMC_H

#include "client/mmclient.h"

/* A session named comm on sock (NULL: the default); exits on failure. */
struct mmc *connect_or_die(const char *sock, const char *comm);

/* mmc frag: the fragmentation scenario (mmc_frag.c). */
int frag(const char *sock);

#endif /* MM_CLIENT_MMC_H */
