/* SPDX-License-Identifier: MIT */
/*
 * recording.c - writing and reading mmd's recordings (recording.h).
 *
 * Owns: the bytes of the format. Must never: allocate more than a
 * record's length says after checking it, or read past what the file
 * holds.
 */
#include "proto/recording.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

int recording_write_header(FILE *f, const char *yaml, size_t len)
{
	if (fputs(RECORDING_MAGIC, f) < 0 ||
	    fprintf(f, "layout %zu\n", len) < 0 ||
	    fwrite(yaml, 1, len, f) != len)
		return -EIO;
	return 0;
}

int recording_write(FILE *f, enum recording_kind kind, uint32_t session,
		    const void *bytes, uint32_t len)
{
	uint8_t head[9];

	head[0] = (uint8_t)kind;
	put_be32(head + 1, session);
	put_be32(head + 5, len);
	if (fwrite(head, 1, sizeof(head), f) != sizeof(head) ||
	    (len && fwrite(bytes, 1, len, f) != len))
		return -EIO;
	return 0;
}

static int bad(char *err, size_t errlen, const char *why)
{
	snprintf(err, errlen, "not an mmd recording: %s", why);
	return -EINVAL;
}

/*
 * len bytes from f into a new buffer with a NUL after them. The buffer
 * grows as the bytes come, so a length the file does not back costs no
 * more memory than the file holds.
 */
static uint8_t *read_bytes(FILE *f, size_t len)
{
	size_t have = 0, cap = 0;
	uint8_t *buf = NULL;

	do {
		size_t want = len - have < (1u << 20) ? len - have : 1u << 20;
		uint8_t *more = realloc(buf, cap + want + 1);

		if (!more || fread(more + have, 1, want, f) != want) {
			free(more ? more : buf);
			return NULL;
		}
		buf = more;
		cap += want;
		have += want;
	} while (have < len);
	buf[len] = '\0';
	return buf;
}

int recording_read_header(FILE *f, char **yaml, size_t *len, char *err,
			  size_t errlen)
{
	char magic[sizeof(RECORDING_MAGIC)];
	unsigned long long n;

	if (!fgets(magic, sizeof(magic), f) || strcmp(magic, RECORDING_MAGIC))
		return bad(err, errlen, "no 'MMREC 1' line");
	if (fscanf(f, "layout %llu", &n) != 1 || fgetc(f) != '\n' ||
	    n > RECORDING_MAX_LEN)
		return bad(err, errlen, "no 'layout N' line");
	*yaml = (char *)read_bytes(f, (size_t)n);
	if (!*yaml)
		return bad(err, errlen, "the layout is cut short");
	*len = (size_t)n;
	return 0;
}

static int known_kind(int kind)
{
	return strchr("OFCKTPBS", kind) != NULL && kind != '\0';
}

int recording_read(FILE *f, struct recording_record *r, char *err,
		   size_t errlen)
{
	uint8_t head[9];
	size_t got = fread(head, 1, sizeof(head), f);

	recording_record_free(r);
	if (got == 0 && feof(f))
		return 0;
	if (got != sizeof(head))
		return bad(err, errlen, "a record is cut short");
	if (!known_kind(head[0]))
		return bad(err, errlen, "a record of an unknown kind");
	r->kind = (enum recording_kind)head[0];
	r->session = get_be32(head + 1);
	r->len = get_be32(head + 5);
	if (r->len > RECORDING_MAX_LEN)
		return bad(err, errlen, "a record longer than 1 GiB");
	r->bytes = read_bytes(f, r->len);
	if (!r->bytes)
		return bad(err, errlen, "a record's bytes are cut short");
	return 1;
}

void recording_record_free(struct recording_record *r)
{
	free(r->bytes);
	r->bytes = NULL;
	r->len = 0;
}
