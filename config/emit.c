/* SPDX-License-Identifier: MIT */
/*
 * emit.c - a layout printed as YAML (mmd --print-config).
 *
 * Owns: the printed form: every section and key in schema order, lists as
 * one flow mapping per item, strings quoted only where a YAML reader could
 * misread them. The output loads back to the very same struct and prints
 * the very same text. Must never: change the layout, or emit a key the
 * loader would not accept.
 */
#include "config/config.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <yaml.h>

#include "config/schema.h"

/* Every emit helper returns libyaml's 1 for success, 0 for failure. */
static int emit_scalar(yaml_emitter_t *em, const char *text, bool quote)
{
	yaml_event_t ev;

	if (!yaml_scalar_event_initialize(
		    &ev, NULL, NULL, (yaml_char_t *)text, (int)strlen(text), 1,
		    1,
		    quote ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
			  : YAML_PLAIN_SCALAR_STYLE))
		return 0;
	return yaml_emitter_emit(em, &ev);
}

static int emit_mapping_start(yaml_emitter_t *em, bool flow)
{
	yaml_event_t ev;

	if (!yaml_mapping_start_event_initialize(
		    &ev, NULL, NULL, 1,
		    flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE))
		return 0;
	return yaml_emitter_emit(em, &ev);
}

static int emit_mapping_end(yaml_emitter_t *em)
{
	yaml_event_t ev;

	if (!yaml_mapping_end_event_initialize(&ev))
		return 0;
	return yaml_emitter_emit(em, &ev);
}

static int emit_fields(yaml_emitter_t *em, const struct cfg_section *s,
		       const void *base, bool flow)
{
	int ok = emit_mapping_start(em, flow);

	for (unsigned int i = 0; ok && i < s->nr_fields; i++) {
		char text[LAYOUT_SOCKET_MAX + 8];
		bool quote;

		cfg_format_value(&s->fields[i], base, text, sizeof(text),
				 &quote);
		ok = emit_scalar(em, s->fields[i].key, false) &&
		     emit_scalar(em, text, quote);
	}
	return ok && emit_mapping_end(em);
}

/* An empty list comes out as [], which the loader reads as no items. */
static int emit_list(yaml_emitter_t *em, const struct cfg_section *s,
		     const struct layout *l)
{
	const char *array = (const char *)l + s->array_off;
	yaml_event_t ev;
	uint32_t n;
	int ok;

	memcpy(&n, (const char *)l + s->count_off, sizeof(n));
	if (n > s->max)
		n = s->max;
	if (!yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
						  YAML_BLOCK_SEQUENCE_STYLE))
		return 0;
	ok = yaml_emitter_emit(em, &ev);
	for (uint32_t i = 0; ok && i < n; i++)
		ok = emit_fields(em, s, array + i * s->item_size, true);
	if (!ok || !yaml_sequence_end_event_initialize(&ev))
		return 0;
	return yaml_emitter_emit(em, &ev);
}

static int emit_document(yaml_emitter_t *em, const struct layout *l)
{
	yaml_event_t ev;
	int ok;

	ok = yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING) &&
	     yaml_emitter_emit(em, &ev) &&
	     yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1) &&
	     yaml_emitter_emit(em, &ev) && emit_mapping_start(em, false);
	for (unsigned int i = 0; ok && i < cfg_nr_sections; i++) {
		const struct cfg_section *s = &cfg_sections[i];

		ok = emit_scalar(em, s->key, false) &&
		     (s->is_list ? emit_list(em, s, l)
				 : emit_fields(em, s, l, false));
	}
	return ok && emit_mapping_end(em) &&
	       yaml_document_end_event_initialize(&ev, 1) &&
	       yaml_emitter_emit(em, &ev) &&
	       yaml_stream_end_event_initialize(&ev) &&
	       yaml_emitter_emit(em, &ev);
}

int config_emit(const struct layout *l, FILE *out)
{
	yaml_emitter_t em;
	int ok;

	if (!yaml_emitter_initialize(&em))
		return -ENOMEM;
	yaml_emitter_set_output_file(&em, out);
	yaml_emitter_set_indent(&em, 2);
	yaml_emitter_set_width(&em, -1); /* one item, one line */
	yaml_emitter_set_unicode(&em, 1);
	fputs("# A resolved mmd layout: every key with the value mmd uses.\n"
	      "# docs/layout.md describes each key and its rules.\n",
	      out);
	ok = emit_document(&em, l);
	yaml_emitter_delete(&em);
	if (!ok || fflush(out) != 0 || ferror(out))
		return -EIO;
	return 0;
}
