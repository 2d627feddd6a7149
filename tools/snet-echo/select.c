/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "daemon_cli.h"
#include "select.h"

static struct {
	snet_selector_t sel;
	snet_policy *policy;
	struct cli_daemon cd;
	bool on;
	uint64_t start_ns;
	const long *sent;
} S;

static void on_switch(snet_selector_t *s, const snet_path *now, snet_switch_reason why)
{
	char fp[17] = "-";
	uint8_t raw[SNET_PATH_FINGERPRINT_LEN];
	if (now && snet_path_fingerprint(now, raw))
		for (int i = 0; i < 8; i++)
			snprintf(fp + 2 * i, 3, "%02x", raw[i]);
	printf("switch t_ms=%.1f after-seq=%ld reason=%s to=%s hops=",
	       (double)(uv_hrtime() - S.start_ns) / 1e6, *S.sent - 1, snet_switch_reason_name(why),
	       fp);
	for (size_t i = 0; now && i < now->n_ifs; i++) {
		char ia[SNET_IA_STRLEN];
		snet_ia_format(now->ifs[i].ia, ia, sizeof(ia));
		printf("%s%s#%llu", i ? "," : "", ia, (unsigned long long)now->ifs[i].id);
	}
	printf("%s\n", now && now->n_ifs ? "" : "-");
	fflush(stdout);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	if (f && fseek(f, 0, SEEK_END) == 0) {
		long n = ftell(f);
		rewind(f);
		b = n >= 0 ? malloc((size_t)n + 1) : NULL;
		if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
			free(b);
			b = NULL;
		}
		*len = n > 0 ? (size_t)n : 0;
	}
	if (f)
		fclose(f);
	return b;
}

void echo_select_start(snet_conn_t *c, uint64_t dst, const struct echo_select_args *a)
{
	char err[512];
	snet_selector_opts o;
	snet_selector_opts_default(&o);
	S.start_ns = a->start_ns;
	S.sent = a->sent;
	if (a->policy) {
		size_t len;
		char *text = read_file(a->policy, &len);
		if (!text)
			cli_bad("snet-echo", "--policy", "cannot read", a->policy);
		if (snet_policy_parse(text, len, NULL, &S.policy, err, sizeof(err)))
			cli_bad("snet-echo", "--policy", err, a->policy);
		free(text);
	}
	o.policy = S.policy;
	o.probe_interval_ms = (uint32_t)a->probe_interval_ms;
	if (a->hold_down_ms > 0)
		o.hold_down_ms = (uint32_t)a->hold_down_ms;
	o.switch_cb = on_switch;
	snet_daemon_t *d = NULL;
	if (!a->paths) {
		cli_daemon_open(&S.cd, c->net->loop, "snet-echo", a->sciond, 0);
		d = &S.cd.d;
	}
	int rc = snet_selector_init(&S.sel, c, d, dst, &o);
	if (rc)
		fprintf(stderr, "snet-echo: selector: %s\n", snet_strerror(rc)), exit(2);
	S.on = true;
	if (a->paths) {
		snet_pathdb db;
		if (snet_pathdb_load(a->paths, &db, err, sizeof(err)))
			cli_bad("snet-echo", "--paths", err, a->paths);
		rc = snet_selector_set_paths(&S.sel, snet_pathdb_release(&db));
		if (rc)
			fprintf(stderr, "snet-echo: selector: %s\n", snet_strerror(rc)), exit(2);
	}
}

const snet_path *echo_select_path(void)
{
	return S.on ? snet_selector_path(&S.sel) : NULL;
}

bool echo_select_scmp(const snet_scmp_msg *m)
{
	return S.on && snet_selector_scmp(&S.sel, m);
}

static void print_stats(void)
{
	snet_selector_stats st;
	snet_selector_get_stats(&S.sel, &st);
	printf("stats selector switches=%llu scmp=%llu probe=%llu expiry=%llu refresh=%llu "
	       "recovered=%llu scmp_accepted=%llu scmp_rejected=%llu probes=%llu answered=%llu "
	       "rtt_us=%lld\n",
	       (unsigned long long)st.switches, (unsigned long long)st.switch_scmp,
	       (unsigned long long)st.switch_probe, (unsigned long long)st.switch_expiry,
	       (unsigned long long)st.switch_refresh, (unsigned long long)st.switch_recovered,
	       (unsigned long long)st.scmp_accepted, (unsigned long long)st.scmp_rejected,
	       (unsigned long long)st.probes_sent, (unsigned long long)st.probes_answered,
	       (long long)(snet_selector_rtt(&S.sel) / 1000));
	fflush(stdout);
}

void echo_select_close(void)
{
	if (!S.on)
		return;
	S.on = false;
	print_stats();
	snet_selector_close(&S.sel, NULL);
	if (S.cd.open) {
		/* The daemon closes after the selector's requests ended (cancelled by the close). */
		S.cd.open = false;
		snet_daemon_close(&S.cd.d, NULL);
	}
	snet_policy_free(S.policy);
	S.policy = NULL;
}
