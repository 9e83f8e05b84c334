/* SPDX-License-Identifier: MIT */
/*
 * ops.h - what a row of the operation table (proto/ops.def) says about
 * an operation, for every side of the wire that reads the table.
 *
 * Owns: the flag bits and the row format. mmd's dispatch, its
 * permission checks and its "retry the parked callers" come from the
 * rows, and so do libmmclient's request senders and mmctl's list of
 * admin commands. Must never: say anything the daemon enforces only
 * for some clients; a flag is a promise of the wire (docs/protocol.md).
 *
 * A row is one of:
 *
 *   OP(NAME, field, Type, RESULT, FLAGS)
 *	handled by hand: mmd has op_<field>() in daemon/op_*.c;
 *   UAPI_OP(NAME, field, Type, RESULT, FLAGS, (arg, ...))
 *	handled mechanically: mmd calls uapi_<field>(m, a->arg, ...) and,
 *	when RESULT is a number, passes &the result last.
 *
 * NAME is the Request oneof case (MM__REQUEST__OP_NAME), field its
 * member of Mm__Request, Type its message (Mm__Type), RESULT the Reply
 * result case a success carries (NONE for none).
 */
#ifndef MM_PROTO_OPS_H
#define MM_PROTO_OPS_H

enum op_flags {
	/* Answered before Hello too: the session need not be a process. */
	OP_BEFORE_HELLO = 1u << 0,
	/* Uid 0 or the layout's admin group only; -EPERM otherwise. */
	OP_ADMIN = 1u << 1,
	/* Frees memory: requests parked waiting for memory retry. */
	OP_MAY_FREE = 1u << 2,
	/* May be parked until memory comes free (the message has a
	 * timeout_ms: see WAITING in mm.proto). */
	OP_MAY_WAIT = 1u << 3,
	/* Names a process in its pid field: 0 the session's own, else one
	 * the session forked (core refuses any other). */
	OP_PID = 1u << 4,
	/* With OP_PID: an admin may name another session's process. */
	OP_CROSS_SESSION = 1u << 5,
};

#endif /* MM_PROTO_OPS_H */
