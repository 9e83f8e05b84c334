/* SPDX-License-Identifier: MIT */
/*
 * mmweb.c - mmweb's main: options, the web server and its routes.
 *
 *   mmweb [--socket PATH] [--listen ADDR:PORT] [--www DIR] [--bindir DIR]
 *         [--interval MS]
 *
 * Owns: reading the options, serving the page's three static files, the
 * event stream (/events) and the query routes (/api/...), and stopping
 * cleanly on SIGINT or SIGTERM. libmicrohttpd runs each connection in a
 * thread of its own: an event stream blocks only its own thread while
 * it waits for news or for a slow browser. Must never: listen anywhere
 * but where it is told (loopback by default), serve a file outside its
 * three, or change the machine but through the scenario panel.
 */
#include "mmweb/mmweb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#ifndef MMWEB_WWW
#define MMWEB_WWW "mmweb/www"
#endif
#ifndef MMWEB_BINDIR
#define MMWEB_BINDIR "build"
#endif

/* An event stream waits this long for news before a keep-alive line. */
#define STREAM_IDLE_MS	10000
#define MAX_CONNECTIONS 512

static volatile bool stopping;
static struct mmd_link link_ = {.lock = PTHREAD_MUTEX_INITIALIZER};

static struct file {
	const char *url, *name, *type;
	char *data;
	size_t len;
} files[] = {
	{"/", "index.html", "text/html; charset=utf-8", NULL, 0},
	{"/mmweb.css", "mmweb.css", "text/css; charset=utf-8", NULL, 0},
	{"/mmweb.js", "mmweb.js", "text/javascript; charset=utf-8", NULL, 0},
};

static int load_files(const char *dir)
{
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
		char path[4096];
		FILE *f;
		long n;

		snprintf(path, sizeof(path), "%s/%s", dir, files[i].name);
		f = fopen(path, "rb");
		if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET) ||
		    !(files[i].data = malloc((size_t)n + 1)) ||
		    fread(files[i].data, 1, (size_t)n, f) != (size_t)n) {
			fprintf(stderr, "mmweb: cannot read %s: %s\n", path,
				strerror(errno));
			if (f)
				fclose(f);
			return -1;
		}
		files[i].len = (size_t)n;
		fclose(f);
	}
	return 0;
}

static void headers(struct MHD_Response *resp, const char *type)
{
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; img-src 'self' data:; "
				"style-src 'self' 'unsafe-inline'");
}

static enum MHD_Result send_buf(struct MHD_Connection *conn,
				unsigned int status, const char *type,
				const void *data, size_t len,
				enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp =
		MHD_create_response_from_buffer(len, (void *)data, mode);
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	headers(resp, type);
	ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ---- the event stream */

struct stream {
	uint64_t seq;
	char *msg;
	size_t len, off;
};

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = cls;
	size_t n;

	(void)pos;
	if (s->off == s->len) {
		free(s->msg);
		s->msg = state_next(&s->seq, STREAM_IDLE_MS, &s->len);
		s->off = 0;
		if (!s->msg)
			return MHD_CONTENT_READER_END_OF_STREAM;
	}
	n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->msg + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void stream_free(void *cls)
{
	struct stream *s = cls;

	free(s->msg);
	free(s);
	state_stream_open(-1);
}

static enum MHD_Result send_stream(struct MHD_Connection *conn)
{
	struct stream *s = calloc(1, sizeof(*s));
	struct MHD_Response *resp;
	enum MHD_Result ret;

	if (!s)
		return MHD_NO;
	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384,
						 stream_read, s, stream_free);
	if (!resp) {
		free(s);
		return MHD_NO;
	}
	state_stream_open(1);
	headers(resp, "text/event-stream");
	ret = MHD_queue_response(conn, 200, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* ---- queries */

static const char *arg(struct MHD_Connection *conn, const char *name)
{
	return MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, name);
}

static enum MHD_Result send_reply(struct MHD_Connection *conn,
				  struct api_reply *r)
{
	struct MHD_Response *resp;
	enum MHD_Result ret;
	char per_cell[32];

	if (r->body.oom)
		api_error(r, 500, "out of memory");
	resp = MHD_create_response_from_buffer(r->body.len, r->body.s,
					       MHD_RESPMEM_MUST_COPY);
	if (!resp) {
		buf_free(&r->body);
		return MHD_NO;
	}
	headers(resp, r->type);
	if (r->per_cell) {
		snprintf(per_cell, sizeof(per_cell), "%lu", r->per_cell);
		MHD_add_response_header(resp, "X-Per-Cell", per_cell);
	}
	ret = MHD_queue_response(conn, r->status, resp);
	MHD_destroy_response(resp);
	buf_free(&r->body);
	return ret;
}

static void scenario_route(struct MHD_Connection *conn, struct api_reply *r)
{
	const char *name = arg(conn, "name");
	struct buf why = {0};
	int err;

	if (name && !strcmp(name, "stop")) {
		scenario_stop();
		err = 0;
	} else {
		err = scenario_start(name ? name : "", &why);
	}
	if (err) {
		api_error(r,
			  err == -EBUSY	   ? 409
			  : err == -EINVAL ? 400
					   : 500,
			  why.s ? why.s : "failed");
	} else {
		r->status = 200;
		r->type = "application/json";
		buf_str(&r->body, "{\"ok\":true}");
	}
	buf_free(&why);
}

static void get_route(struct MHD_Connection *conn, const char *url,
		      struct api_reply *r)
{
	if (!strcmp(url, "/api/frames"))
		api_frames(&link_, arg(conn, "start"), arg(conn, "nr"),
			   arg(conn, "cells"), arg(conn, "pageblocks"), r);
	else if (!strcmp(url, "/api/page"))
		api_page(&link_, arg(conn, "pfn"), r);
	else if (!strcmp(url, "/api/proc"))
		api_proc(&link_, arg(conn, "pid"), r);
	else if (!strcmp(url, "/api/walk"))
		api_walk(&link_, arg(conn, "pid"), arg(conn, "addr"), r);
	else if (!strcmp(url, "/api/stats")) {
		r->status = 200;
		r->type = "application/json";
		state_stats(&r->body);
	} else
		api_error(r, 404, "no such page");
}

/*
 * A request from another site's page (its Origin is not this host) may
 * not start a scenario: a browser would send it with no one asking.
 */
static bool same_origin(struct MHD_Connection *conn)
{
	const char *origin =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Origin");
	const char *host =
		MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Host");
	const char *o = origin ? strstr(origin, "://") : NULL;

	return !origin || (host && o && !strcmp(o + 3, host));
}

static enum MHD_Result route(void *cls, struct MHD_Connection *conn,
			     const char *url, const char *method,
			     const char *version, const char *upload,
			     size_t *upload_len, void **state)
{
	struct api_reply r = {.status = 200, .type = "application/json"};

	(void)cls, (void)version, (void)upload;
	if (!*state) { /* headers only, so far */
		*state = (void *)1;
		return MHD_YES;
	}
	if (*upload_len) {
		*upload_len = 0; /* no route takes a body */
		return MHD_YES;
	}
	if (!strcmp(method, "POST") && !strcmp(url, "/api/scenario")) {
		if (!same_origin(conn))
			api_error(&r, 403, "another site's page");
		else
			scenario_route(conn, &r);
		return send_reply(conn, &r);
	}
	if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
		api_error(&r, 405, "GET, or POST to /api/scenario");
		return send_reply(conn, &r);
	}
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		if (!strcmp(url, files[i].url) ||
		    (i == 0 && !strcmp(url, "/index.html")))
			return send_buf(conn, 200, files[i].type, files[i].data,
					files[i].len, MHD_RESPMEM_PERSISTENT);
	if (!strcmp(url, "/events"))
		return send_stream(conn);
	get_route(conn, url, &r);
	return send_reply(conn, &r);
}

/* ---- main */

static int parse_listen(const char *s, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	char host[64];
	const char *colon = strrchr(s, ':');
	char *end;
	unsigned long port;
	size_t n;

	if (!colon || (n = (size_t)(colon - s)) >= sizeof(host))
		return -1;
	port = strtoul(colon + 1, &end, 10);
	if (*end || !colon[1] || port > 65535)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	memset(ss, 0, sizeof(*ss));
	if (n > 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		return inet_pton(AF_INET6, host + 1, &in6->sin6_addr) == 1 ? 0
									   : -1;
	}
	in->sin_family = AF_INET;
	in->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &in->sin_addr) == 1 ? 0 : -1;
}

static void on_signal(int sig)
{
	(void)sig;
	stopping = true;
}

static void usage(FILE *f)
{
	fputs("usage: mmweb [--socket PATH] [--listen ADDR:PORT] [--www DIR]\n"
	      "             [--bindir DIR] [--interval MS]\n"
	      "Serves the machine of the mmd at PATH live as a web page\n"
	      "(default http://127.0.0.1:8080/).\n",
	      f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"socket", required_argument, NULL, 's'},
		{"listen", required_argument, NULL, 'l'},
		{"www", required_argument, NULL, 'w'},
		{"bindir", required_argument, NULL, 'b'},
		{"interval", required_argument, NULL, 'i'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *listen_at = "127.0.0.1:8080", *www = MMWEB_WWW;
	const char *bindir = MMWEB_BINDIR;
	unsigned long interval = 250;
	struct sockaddr_storage ss;
	struct MHD_Daemon *d;
	char *end;
	int o;

	while ((o = getopt_long(argc, argv, "s:l:w:b:i:h", opts, NULL)) != -1)
		switch (o) {
		case 's':
			link_.socket = optarg;
			break;
		case 'l':
			listen_at = optarg;
			break;
		case 'w':
			www = optarg;
			break;
		case 'b':
			bindir = optarg;
			break;
		case 'i':
			interval = strtoul(optarg, &end, 10);
			if (*end || interval < 50 || interval > 10000) {
				fputs("mmweb: --interval: 50 to 10000 ms\n",
				      stderr);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	if (optind != argc || parse_listen(listen_at, &ss)) {
		if (optind == argc)
			fprintf(stderr, "mmweb: --listen %s: not ADDR:PORT\n",
				listen_at);
		usage(stderr);
		return 2;
	}
	if (load_files(www))
		return 1;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	scenario_init(bindir, link_.socket);
	d = MHD_start_daemon(
		MHD_USE_THREAD_PER_CONNECTION |
			MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG |
			(ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0),
		0, NULL, NULL, route, NULL, MHD_OPTION_SOCK_ADDR, &ss,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned int)MAX_CONNECTIONS,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)60,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "mmweb: cannot listen on %s: %s\n", listen_at,
			strerror(errno));
		return 1;
	}
	fprintf(stderr, "mmweb: serving http://%s/\n", listen_at);
	poll_run(&link_, (unsigned int)interval, &stopping);
	state_stop();
	scenario_stop();
	MHD_stop_daemon(d);
	pthread_mutex_lock(&link_.lock);
	if (link_.c)
		mmc_close(link_.c);
	pthread_mutex_unlock(&link_.lock);
	for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++)
		free(files[i].data);
	return 0;
}
