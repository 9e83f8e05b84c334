/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_attack.h - the attacks of a hostile local user on mmd, each
 * checking that mmd answers as it must.
 *
 * Owns: the declaration of mmc_test's "attack" command. Must never: be
 * installed; it exists for the tests.
 */
#ifndef MMC_TEST_ATTACK_H
#define MMC_TEST_ATTACK_H

/* argv[0] names the attack, the rest are its arguments; 0 if all held. */
int cmd_attack(int argc, char **argv);

#endif /* MMC_TEST_ATTACK_H */
