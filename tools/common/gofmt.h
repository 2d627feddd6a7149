/* SPDX-License-Identifier: Apache-2.0 */
/* Text the way Go prints it, for tools whose output must equal Go's: time.Duration.String,
 * time.Time as JSON (RFC 3339 with nanoseconds, local zone) and as String, encoding/json
 * strings (SetEscapeHTML(false)), and %g of a float32. */
#ifndef SNET_TOOLS_GOFMT_H
#define SNET_TOOLS_GOFMT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* time.ParseDuration for what flags take: "5s", "500ms", "1m30s" (no sign). 0 or -1. */
int go_duration_parse(const char *s, int64_t *ns);
/* "1h2m3.5s", "1.5ms", "0s". buf >= 32. */
const char *go_duration(int64_t ns, char *buf, size_t cap);
/* time.Unix(sec, nsec) in the local zone, as MarshalJSON writes it, without the quotes:
 * "2026-12-04T17:19:03.123Z", "2026-12-04T18:19:03+01:00". buf >= 48. */
const char *go_time_rfc3339nano(int64_t sec, int64_t nsec, char *buf, size_t cap);
/* time.Time.String(): "2026-12-04 17:19:03.123 +0000 UTC". buf >= 64. */
const char *go_time_string(int64_t sec, int64_t nsec, char *buf, size_t cap);
/* A JSON string with its quotes, escaped as encoding/json with SetEscapeHTML(false). */
void go_json_string(FILE *f, const char *s);
/* fmt's %g for a float32 (shortest representation). buf >= 32. */
const char *go_float32_g(float v, char *buf, size_t cap);

#endif
