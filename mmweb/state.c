/* SPDX-License-Identifier: MIT */
/*
 * state.c - what mmweb has published, and the browsers' event streams.
 *
 * Owns: the latest value of each part (a JSON text) with the round it
 * last changed in, and composing each stream's next Server-Sent Event
 * from the parts it has not seen. A stream that falls behind skips the
 * rounds it missed and gets only the latest values, so no browser ever
 * queues data or holds up the poller. Must never: call mmd, or block
 * the poller on a stream.
 */
#include "mmweb/mmweb.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const part_names[NR_PARTS] = {
	[PART_STATUS] = "status",
	[PART_MEMINFO] = "meminfo",
	[PART_BUDDYINFO] = "buddyinfo",
	[PART_ZONEINFO] = "zoneinfo",
	[PART_VMSTAT] = "vmstat",
	[PART_SLABINFO] = "slabinfo",
	[PART_PS] = "ps",
	[PART_DMESG] = "dmesg",
	[PART_FRAMES] = "frames",
	[PART_PAGEBLOCKS] = "pageblocks",
	[PART_NODES] = "nodes",
	[PART_SCENARIO] = "scenario",
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t news;
	uint64_t seq; /* the round being built; published ones are < seq */
	char *value[NR_PARTS];
	uint64_t version[NR_PARTS];
	bool stopping;
	unsigned long streams, events, last_bytes;
	unsigned long long total_bytes;
} st = {.lock = PTHREAD_MUTEX_INITIALIZER,
	.news = PTHREAD_COND_INITIALIZER,
	.seq = 1};

void state_set(enum part p, const char *json)
{
	pthread_mutex_lock(&st.lock);
	if (!st.value[p] || strcmp(st.value[p], json)) {
		char *copy = strdup(json);

		if (copy) {
			free(st.value[p]);
			st.value[p] = copy;
			st.version[p] = st.seq;
		}
	}
	pthread_mutex_unlock(&st.lock);
}

void state_commit(void)
{
	pthread_mutex_lock(&st.lock);
	st.seq++;
	pthread_cond_broadcast(&st.news);
	pthread_mutex_unlock(&st.lock);
}

void state_stop(void)
{
	pthread_mutex_lock(&st.lock);
	st.stopping = true;
	pthread_cond_broadcast(&st.news);
	pthread_mutex_unlock(&st.lock);
}

/* Whether part p changed in a published round a stream at seq missed. */
static bool is_news(int p, uint64_t seq)
{
	return st.value[p] && st.version[p] >= seq && st.version[p] < st.seq;
}

static bool has_news(uint64_t seq)
{
	for (int p = 0; p < NR_PARTS; p++)
		if (is_news(p, seq))
			return true;
	return false;
}

static char *compose(uint64_t *seq, size_t *len)
{
	struct buf b = {0};

	buf_printf(&b, "event: update\ndata: {\"seq\":%llu",
		   (unsigned long long)st.seq - 1);
	for (int p = 0; p < NR_PARTS; p++)
		if (is_news(p, *seq))
			buf_printf(&b, ",\"%s\":%s", part_names[p],
				   st.value[p]);
	buf_str(&b, "}\n\n");
	*seq = st.seq;
	if (b.oom) {
		buf_free(&b);
		return NULL;
	}
	st.events++;
	st.last_bytes = (unsigned long)b.len;
	st.total_bytes += b.len;
	*len = b.len;
	return b.s;
}

char *state_next(uint64_t *seq, unsigned int wait_ms, size_t *len)
{
	struct timespec until;
	char *msg = NULL;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&st.lock);
	while (!st.stopping && !has_news(*seq))
		if (pthread_cond_timedwait(&st.news, &st.lock, &until) ==
		    ETIMEDOUT)
			break;
	if (!st.stopping && has_news(*seq))
		msg = compose(seq, len);
	else if (!st.stopping && (msg = strdup(": idle\n\n")))
		*len = strlen(msg);
	pthread_mutex_unlock(&st.lock);
	return msg;
}

void state_stream_open(int delta)
{
	pthread_mutex_lock(&st.lock);
	st.streams += (unsigned long)delta;
	pthread_mutex_unlock(&st.lock);
}

void state_stats(struct buf *b)
{
	pthread_mutex_lock(&st.lock);
	buf_printf(b,
		   "{\"streams\":%lu,\"rounds\":%llu,\"events\":%lu,"
		   "\"last_event_bytes\":%lu,\"total_bytes\":%llu}",
		   st.streams, (unsigned long long)st.seq - 1, st.events,
		   st.last_bytes, st.total_bytes);
	pthread_mutex_unlock(&st.lock);
}
